import type { LocatedExperiment } from "../../../model/definitions.js";
import type { Rule } from "../rule.js";

export const symbolOwnedOnce: Rule = {
  code: "PRS205",
  name: "symbol-owned-once",
  severity: "error",
  description: "A symbol belongs to one experiment only, so picking it by name is never ambiguous.",
  check({ experiments }, report) {
    const owners = new Map<string, LocatedExperiment>();
    for (const experiment of experiments) {
      const { document, source } = experiment;
      for (const symbol of Object.keys(document.variants[0]?.symbols ?? {})) {
        const owner = owners.get(symbol);
        if (!owner) {
          owners.set(symbol, experiment);
          continue;
        }
        report({
          message: `symbol "${symbol}" is used by experiments "${owner.document.name}" and "${document.name}": a symbol belongs to one experiment`,
          span: source.keyAt(["variants", 0, "symbols", symbol]),
          related: [
            {
              message: `"${owner.document.name}" declares it here`,
              span: owner.source.keyAt(["variants", 0, "symbols", symbol]),
            },
          ],
          source,
        });
      }
    }
  },
};
