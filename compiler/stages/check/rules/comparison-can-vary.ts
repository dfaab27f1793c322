import { comparisonsOf } from "../../../model/walk.js";
import { comparisonOutcome } from "../classifier-logic.js";
import type { Rule } from "../rule.js";

export const comparisonCanVary: Rule = {
  code: "PRS309",
  name: "comparison-can-vary",
  severity: "warning",
  description:
    "A comparison that always holds or never holds: of two constants, or of sessionRandom (always in [0, 1)) with a value that decides it, such as `lt(0)`, `gte(0)` or `eq(1)`.",
  check({ features }, report) {
    for (const { document, source } of features) {
      for (const { node, path } of comparisonsOf(document)) {
        const { attribute } = node;
        const outcome = comparisonOutcome(node);
        const holds = outcome ? "always holds" : "never holds";
        if (attribute.kind === "sessionRandom") {
          const range = "sessionRandom is always in [0, 1)";
          if (outcome !== undefined) {
            const against = node.kind === "oneOf" ? "values" : "value";
            const shown = node.kind === "oneOf" ? node.values : "value" in node ? node.value : undefined;
            report({
              message: `${node.kind}(${JSON.stringify(shown)}) on sessionRandom ${holds}: ${range}`,
              span: source.at([...path, against]),
              source,
            });
          } else if (node.kind === "oneOf" && node.values.every((value) => typeof value === "number")) {
            // Some of the values can match: the others never can.
            for (const [index, value] of node.values.entries())
              if ((value as number) < 0 || (value as number) >= 1)
                report({
                  message: `oneOf's value ${JSON.stringify(value)} never matches: ${range}`,
                  span: source.at([...path, "values", index]),
                  source,
                });
          }
        } else if (attribute.kind === "static" && outcome !== undefined) {
          const against =
            node.kind === "oneOf"
              ? JSON.stringify(node.values)
              : "pattern" in node
                ? `/${node.pattern}/${node.flags ?? ""}`
                : JSON.stringify(node.value);
          report({
            message: `${node.kind} compares the constant ${JSON.stringify(attribute.value)} with ${against}, so it ${holds}`,
            span: source.at(path),
            source,
          });
        }
      }
    }
  },
};
