import type { Located } from "../../../model/definitions.js";
import type { Rule } from "../rule.js";

export const namesUnique: Rule = {
  code: "PRS201",
  name: "names-unique",
  severity: "error",
  description:
    "No two experiments, and no two features, share a name (compared ignoring case, as names become file names).",
  check({ experiments, features }, report) {
    for (const definitions of [experiments, features] as readonly (readonly Located<{
      kind: string;
      name: string;
    }>[])[]) {
      const first = new Map<string, Located<{ kind: string; name: string }>>();
      for (const definition of definitions) {
        const { kind, name } = definition.document;
        const key = name.toLowerCase();
        const earlier = first.get(key);
        if (!earlier) {
          first.set(key, definition);
          continue;
        }
        const same =
          earlier.document.name === name ? "" : ` (as "${earlier.document.name}": names are compared ignoring case)`;
        report({
          message: `${kind} "${name}" is defined twice${same}`,
          span: definition.source.at(["name"]),
          related: [{ message: `"${earlier.document.name}" is first defined here`, span: earlier.source.at(["name"]) }],
          source: definition.source,
        });
      }
    }
  },
};
