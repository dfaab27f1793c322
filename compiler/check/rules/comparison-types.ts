import type { Scalar } from "prosper/runtime";
import type { LoadedAttribute } from "../../load/model.js";
import type { Rule } from "../rule.js";
import { comparisonsOf } from "../walk.js";

const describeAttribute = (attribute: LoadedAttribute) =>
  `${attribute.kind === "context" ? `context "${attribute.key}"` : attribute.kind} (a ${attribute.type})`;

export const comparisonTypes: Rule = {
  code: "PRS305",
  name: "comparison-types",
  severity: "error",
  description:
    "A classifier compares an attribute with values of its own type: ordering and sessionRandom with numbers, regexMatch with strings; oneOf lists at least one value.",
  check({ features }, report) {
    for (const feature of features) {
      for (const node of comparisonsOf(feature)) {
        const { attribute, valueSpan: span } = node;
        const mismatch = (value: Scalar) =>
          report({
            message: `${node.kind} compares ${describeAttribute(attribute)} with ${JSON.stringify(value)} (a ${typeof value}): it could never match`,
            span,
          });
        switch (node.kind) {
          case "lt":
          case "lte":
          case "gt":
          case "gte":
            if (attribute.type !== "number")
              report({
                message: `${node.kind} orders numbers, but ${describeAttribute(attribute)} is not one`,
                span: attribute.span,
              });
            else if (typeof node.value !== "number") mismatch(node.value);
            break;
          case "eq":
          case "ne":
            if (typeof node.value !== attribute.type) mismatch(node.value);
            break;
          case "oneOf":
            if (node.values.length === 0) report({ message: "oneOf with no values never matches", span });
            for (const value of node.values) if (typeof value !== attribute.type) mismatch(value);
            break;
          case "regexMatch":
            if (attribute.type !== "string")
              report({
                message: `regexMatch needs a string, but ${describeAttribute(attribute)} is not one`,
                span: attribute.span,
              });
            break;
        }
      }
    }
  },
};
