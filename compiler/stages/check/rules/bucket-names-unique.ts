import type { Rule } from "../rule.js";

export const bucketNamesUnique: Rule = {
  code: "PRS301",
  name: "bucket-names-unique",
  severity: "error",
  description: "Bucket names are unique within a feature: an evaluation reports which bucket gave the value.",
  check({ features }, report) {
    for (const { document, source } of features) {
      const first = new Map<string, number>();
      for (const [index, bucket] of document.buckets.entries()) {
        const earlier = first.get(bucket.name);
        if (earlier === undefined) first.set(bucket.name, index);
        else {
          report({
            message: `feature "${document.name}" has two buckets named "${bucket.name}"`,
            span: source.at(["buckets", index, "name"]),
            related: [{ message: "the first one", span: source.at(["buckets", earlier, "name"]) }],
            source,
          });
        }
      }
    }
  },
};
