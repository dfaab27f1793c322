import type { LoadedAttribute } from "../../load/model.js";
import type { Rule } from "../rule.js";
import { comparisonsOf } from "../walk.js";

export const contextKeyTypes: Rule = {
  code: "PRS307",
  name: "context-key-types",
  severity: "error",
  description:
    "A context key has one type in every feature, so the application's context type is well defined; `unitId` is always a string.",
  check({ features }, report) {
    const first = new Map<string, LoadedAttribute>();
    for (const feature of features) {
      for (const { attribute } of comparisonsOf(feature)) {
        if (attribute.kind !== "context") continue;
        if (attribute.key === "unitId" && attribute.type !== "string") {
          report({
            message: `context "unitId" is the unit's id, which is always a string: read it with contextString("unitId")`,
            span: attribute.span,
          });
          continue;
        }
        const earlier = first.get(attribute.key);
        if (!earlier) first.set(attribute.key, attribute);
        else if (earlier.type !== attribute.type) {
          report({
            message: `context "${attribute.key}" is read as a ${attribute.type} here but as a ${earlier.type} elsewhere`,
            span: attribute.span,
            related: [{ message: `read as a ${earlier.type} here`, span: earlier.span }],
          });
        }
      }
    }
  },
};
