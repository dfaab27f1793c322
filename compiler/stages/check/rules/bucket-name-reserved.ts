import type { Rule } from "../rule.js";

export const bucketNameReserved: Rule = {
  code: "PRS302",
  name: "bucket-name-reserved",
  severity: "error",
  description: "No bucket is named `default`: that name reports that no bucket matched.",
  check({ features }, report) {
    for (const { document, source } of features) {
      for (const [index, bucket] of document.buckets.entries()) {
        if (bucket.name !== "default") continue;
        report({
          message: `feature "${document.name}" has a bucket named "default", which is reserved for "no bucket matched"; use the feature's "default" for that value`,
          span: source.at(["buckets", index, "name"]),
          source,
        });
      }
    }
  },
};
