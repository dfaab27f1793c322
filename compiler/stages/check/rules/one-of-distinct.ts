import { comparisonsOf } from "../../../model/walk.js";
import type { Rule } from "../rule.js";

export const oneOfDistinct: Rule = {
  code: "PRS310",
  name: "one-of-distinct",
  severity: "warning",
  description: "A `oneOf` that lists a value twice.",
  check({ features }, report) {
    for (const { document, source } of features) {
      for (const { node, path } of comparisonsOf(document)) {
        if (node.kind !== "oneOf") continue;
        // As the runtime's Set sees values: 0 and -0 are one value.
        const first = new Map<unknown, number>();
        for (const [index, value] of node.values.entries()) {
          const earlier = first.get(value);
          if (earlier === undefined) {
            first.set(value, index);
            continue;
          }
          report({
            message: `oneOf lists ${JSON.stringify(value)} twice`,
            span: source.at([...path, "values", index]),
            related: [{ message: "listed first here", span: source.at([...path, "values", earlier]) }],
            source,
          });
        }
      }
    }
  },
};
