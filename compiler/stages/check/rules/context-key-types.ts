import type { DocumentPath } from "prosper-runtime";
import type { DefinitionSource } from "../../../model/definitions.js";
import { comparisonsOf } from "../../../model/walk.js";
import type { Rule } from "../rule.js";

export const contextKeyTypes: Rule = {
  code: "PRS307",
  name: "context-key-types",
  severity: "error",
  description:
    "A context key has one type in every feature, so the application's context type is well defined; `unitId` is always a string.",
  check({ features }, report) {
    // Where each key was first read, kept as a path: a span costs a walk of the source, and only
    // a finding needs one.
    const first = new Map<string, { type: string; source: DefinitionSource; path: DocumentPath }>();
    for (const { document, source } of features) {
      for (const { node, path } of comparisonsOf(document)) {
        const { attribute } = node;
        if (attribute.kind !== "context") continue;
        const at: DocumentPath = [...path, "attribute"];
        if (attribute.key === "unitId" && attribute.type !== "string") {
          report({
            message: `context "unitId" is the unit's id, which is always a string: read it with contextString("unitId")`,
            span: source.at(at),
            source,
          });
          continue;
        }
        const earlier = first.get(attribute.key);
        if (!earlier) first.set(attribute.key, { type: attribute.type, source, path: at });
        else if (earlier.type !== attribute.type) {
          report({
            message: `context "${attribute.key}" is read as a ${attribute.type} here but as a ${earlier.type} elsewhere`,
            span: source.at(at),
            related: [{ message: `read as a ${earlier.type} here`, span: earlier.source.at(earlier.path) }],
            source,
          });
        }
      }
    }
  },
};
