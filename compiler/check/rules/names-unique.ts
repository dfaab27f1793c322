import type { Named } from "../../load/model.js";
import type { Rule } from "../rule.js";

export const namesUnique: Rule = {
  code: "PRS201",
  name: "names-unique",
  severity: "error",
  description:
    "No two experiments, and no two features, share a name (compared ignoring case, as names become file names).",
  check({ experiments, features }, report) {
    for (const [kind, definitions] of [
      ["experiment", experiments],
      ["feature", features],
    ] as const) {
      const first = new Map<string, Named>();
      for (const definition of definitions as readonly Named[]) {
        const key = definition.name.toLowerCase();
        const earlier = first.get(key);
        if (!earlier) {
          first.set(key, definition);
          continue;
        }
        const same =
          earlier.name === definition.name ? "" : ` (as "${earlier.name}": names are compared ignoring case)`;
        report({
          message: `${kind} "${definition.name}" is defined twice${same}`,
          span: definition.nameSpan,
          related: [{ message: `"${earlier.name}" is first defined here`, span: earlier.nameSpan }],
        });
      }
    }
  },
};
