import type { Span } from "../../../diagnostics/diagnostic.js";
import { comparisonsOf } from "../../../model/walk.js";
import type { Rule } from "../rule.js";

export const contextKeyTypes: Rule = {
  code: "PRS307",
  name: "context-key-types",
  severity: "error",
  description:
    "A context key has one type in every feature, so the application's context type is well defined; `unitId` is always a string.",
  check({ features }, report) {
    const first = new Map<string, { type: string; span: Span }>();
    for (const { document, source } of features) {
      for (const { node, path } of comparisonsOf(document)) {
        const { attribute } = node;
        if (attribute.kind !== "context") continue;
        const span = source.at([...path, "attribute"]);
        if (attribute.key === "unitId" && attribute.type !== "string") {
          report({
            message: `context "unitId" is the unit's id, which is always a string: read it with contextString("unitId")`,
            span,
            source,
          });
          continue;
        }
        const earlier = first.get(attribute.key);
        if (!earlier) first.set(attribute.key, { type: attribute.type, span });
        else if (earlier.type !== attribute.type) {
          report({
            message: `context "${attribute.key}" is read as a ${attribute.type} here but as a ${earlier.type} elsewhere`,
            span,
            related: [{ message: `read as a ${earlier.type} here`, span: earlier.span }],
            source,
          });
        }
      }
    }
  },
};
