import type { JsonValue } from "prosper-runtime";
import type { Rule } from "../rule.js";

/** The same JSON value: numbers as Object.is sees them (-0 is written as -0), object keys in any order. */
function sameValue(a: JsonValue, b: JsonValue): boolean {
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return Object.is(a, b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => sameValue(item, (b as readonly JsonValue[])[index]!));
  }
  const objectA = a as { readonly [key: string]: JsonValue };
  const objectB = b as { readonly [key: string]: JsonValue };
  const keys = Object.keys(objectA);
  if (keys.length !== Object.keys(objectB).length) return false;
  return keys.every((key) => Object.hasOwn(objectB, key) && sameValue(objectA[key]!, objectB[key]!));
}

export const bucketsChangeValue: Rule = {
  code: "PRS311",
  name: "buckets-change-value",
  severity: "warning",
  description: "A feature whose every bucket gives the default's value, so its buckets change nothing.",
  check({ features }, report) {
    for (const { document, source } of features) {
      const { buckets } = document;
      if (!buckets.length || !buckets.every((bucket) => sameValue(bucket.value, document.default))) continue;
      report({
        message: `every bucket of "${document.name}" gives the default's value ${JSON.stringify(document.default)}, so its buckets change nothing`,
        span: source.at(["default"]),
        related: buckets.map((bucket, index) => ({
          message: `bucket "${bucket.name}" gives the same value`,
          span: source.at(["buckets", index, "value"]),
        })),
        source,
      });
    }
  },
};
