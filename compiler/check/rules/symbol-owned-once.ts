import type { LoadedExperiment, LoadedSymbol } from "../../load/model.js";
import type { Rule } from "../rule.js";

export const symbolOwnedOnce: Rule = {
  code: "PRS205",
  name: "symbol-owned-once",
  severity: "error",
  description: "A symbol belongs to one experiment only, so picking it by name is never ambiguous.",
  check({ experiments }, report) {
    const owners = new Map<string, { experiment: LoadedExperiment; symbol: LoadedSymbol }>();
    for (const experiment of experiments) {
      for (const symbol of experiment.variants[0]?.symbols ?? []) {
        const owner = owners.get(symbol.name);
        if (!owner) {
          owners.set(symbol.name, { experiment, symbol });
          continue;
        }
        if (owner.experiment === experiment) continue;
        report({
          message: `symbol "${symbol.name}" is used by experiments "${owner.experiment.name}" and "${experiment.name}": a symbol belongs to one experiment`,
          span: symbol.span,
          related: [{ message: `"${owner.experiment.name}" declares it here`, span: owner.symbol.span }],
        });
      }
    }
  },
};
