import type { Rule } from "../rule.js";
import { sameType, typeOf } from "../value-shape.js";

export const bucketValueTypes: Rule = {
  code: "PRS306",
  name: "bucket-value-types",
  severity: "error",
  description: "Every bucket's value has the type of the feature's default.",
  check({ features }, report) {
    for (const feature of features) {
      for (const bucket of feature.buckets) {
        if (sameType(bucket.value, feature.default)) continue;
        report({
          message: `bucket "${bucket.name}" of "${feature.name}" gives a value of type ${typeOf(bucket.value)}, but the default has type ${typeOf(feature.default)}`,
          span: bucket.valueSpan,
          related: [{ message: "the default", span: feature.defaultSpan }],
        });
      }
    }
  },
};
