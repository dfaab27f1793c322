import type { Rule } from "../rule.js";
import { sameType, typeOf } from "../value-shape.js";

export const bucketValueTypes: Rule = {
  code: "PRS306",
  name: "bucket-value-types",
  severity: "error",
  description: "Every bucket's value has the type of the feature's default.",
  check({ features }, report) {
    for (const { document, source } of features) {
      for (const [index, bucket] of document.buckets.entries()) {
        if (sameType(bucket.value, document.default)) continue;
        report({
          message: `bucket "${bucket.name}" of "${document.name}" gives a value of type ${typeOf(bucket.value)}, but the default has type ${typeOf(document.default)}`,
          span: source.at(["buckets", index, "value"]),
          related: [{ message: "the default", span: source.at(["default"]) }],
          source,
        });
      }
    }
  },
};
