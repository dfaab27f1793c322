import type { Rule } from "../rule.js";

export const bucketNameReserved: Rule = {
  code: "PRS302",
  name: "bucket-name-reserved",
  severity: "error",
  description: "No bucket is named `default`: that name reports that no bucket matched.",
  check({ features }, report) {
    for (const feature of features) {
      for (const bucket of feature.buckets) {
        if (bucket.name === "default") {
          report({
            message: `feature "${feature.name}" has a bucket named "default", which is reserved for "no bucket matched"; use the feature's "default" for that value`,
            span: bucket.nameSpan,
          });
        }
      }
    }
  },
};
