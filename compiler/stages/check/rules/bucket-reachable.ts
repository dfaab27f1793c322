import type { Rule } from "../rule.js";
import { decide, implies } from "../classifier-logic.js";

export const bucketReachable: Rule = {
  code: "PRS308",
  name: "bucket-reachable",
  severity: "warning",
  description:
    "A bucket that can never be reached, because an earlier bucket always matches whenever it would (one that always matches, or one its own classifier implies).",
  check({ features }, report) {
    for (const { document, source } of features) {
      const { buckets } = document;
      const budget = { steps: 100_000 };
      for (const [index, bucket] of buckets.entries()) {
        // A bucket that can never match is reported as such (PRS309), not as shadowed.
        if (decide(bucket.classifier) === false) continue;
        for (let earlier = 0; earlier < index; earlier++) {
          const before = buckets[earlier]!;
          const always = decide(before.classifier) === true;
          if (!always && !implies(bucket.classifier, before.classifier, budget)) continue;
          report({
            message: always
              ? `bucket "${bucket.name}" of "${document.name}" can never be reached: bucket "${before.name}" before it always matches`
              : `bucket "${bucket.name}" of "${document.name}" can never be reached: bucket "${before.name}" before it matches whenever it would`,
            span: source.at(["buckets", index, "classifier"]),
            related: [
              {
                message: always ? `bucket "${before.name}" always matches` : `bucket "${before.name}" matches first`,
                span: source.at(["buckets", earlier, "classifier"]),
              },
            ],
            source,
          });
          break;
        }
      }
    }
  },
};
