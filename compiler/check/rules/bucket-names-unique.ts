import type { LoadedBucket } from "../../load/model.js";
import type { Rule } from "../rule.js";

export const bucketNamesUnique: Rule = {
  code: "PRS301",
  name: "bucket-names-unique",
  severity: "error",
  description: "Bucket names are unique within a feature: an evaluation reports which bucket gave the value.",
  check({ features }, report) {
    for (const feature of features) {
      const first = new Map<string, LoadedBucket>();
      for (const bucket of feature.buckets) {
        const earlier = first.get(bucket.name);
        if (!earlier) first.set(bucket.name, bucket);
        else {
          report({
            message: `feature "${feature.name}" has two buckets named "${bucket.name}"`,
            span: bucket.nameSpan,
            related: [{ message: "the first one", span: earlier.nameSpan }],
          });
        }
      }
    }
  },
};
