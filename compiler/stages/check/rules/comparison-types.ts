import type { Scalar } from "prosper-runtime";
import { attributeType, comparisonsOf, describeAttribute } from "../../../model/walk.js";
import type { Rule } from "../rule.js";

export const comparisonTypes: Rule = {
  code: "PRS305",
  name: "comparison-types",
  severity: "error",
  description:
    "A classifier compares an attribute with values of its own type: ordering and sessionRandom with numbers, regexMatch with strings; oneOf lists at least one value.",
  check({ features }, report) {
    for (const { document, source } of features) {
      for (const { node, path } of comparisonsOf(document)) {
        const { attribute } = node;
        const type = attributeType(attribute);
        const mismatch = (value: Scalar, at: readonly (string | number)[]) =>
          report({
            message: `${node.kind} compares ${describeAttribute(attribute)} with ${JSON.stringify(value)} (a ${typeof value}): it could never match`,
            span: source.at(at),
            source,
          });
        switch (node.kind) {
          case "lt":
          case "lte":
          case "gt":
          case "gte":
            if (type !== "number")
              report({
                message: `${node.kind} orders numbers, but ${describeAttribute(attribute)} is not one`,
                span: source.at([...path, "attribute"]),
                source,
              });
            break;
          case "eq":
          case "ne":
            if (typeof node.value !== type) mismatch(node.value, [...path, "value"]);
            break;
          case "oneOf":
            if (node.values.length === 0)
              report({ message: "oneOf with no values never matches", span: source.at([...path, "values"]), source });
            for (const [index, value] of node.values.entries())
              if (typeof value !== type) mismatch(value, [...path, "values", index]);
            break;
          case "regexMatch":
            if (type !== "string")
              report({
                message: `regexMatch needs a string, but ${describeAttribute(attribute)} is not one`,
                span: source.at([...path, "attribute"]),
                source,
              });
            break;
        }
      }
    }
  },
};
