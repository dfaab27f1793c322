import type { JsonValue } from "prosper-runtime";
import { byCodeUnits } from "../../order.js";

/**
 * A value's type as the definition helpers' typing widens it, written as TypeScript:
 * `"Hi"` is `string`, `["a", 1]` is `(number | string)[]`, `{ b: 1, a: "x" }` is
 * `{ a: string; b: number }`. An array's element type is the union of its elements' types.
 */
export function typeOf(value: JsonValue): string {
  if (value === null) return "null";
  if (Array.isArray(value)) {
    const elements = [...new Set(value.map(typeOf))].sort(byCodeUnits);
    if (elements.length === 0) return "never[]";
    return elements.length === 1 && !elements[0]!.includes(" ") ? `${elements[0]}[]` : `(${elements.join(" | ")})[]`;
  }
  if (typeof value === "object") {
    const members = Object.keys(value)
      .sort(byCodeUnits)
      .map((key) => `${key}: ${typeOf((value as Record<string, JsonValue>)[key]!)}`);
    return members.length ? `{ ${members.join("; ")} }` : "{}";
  }
  return typeof value;
}

/**
 * Whether two values have the same type (`"Hi"` and `"Hello"` do, `"Hi"` and `1` do not). More
 * lenient than the type checker in two places, where an annotation can make a value fit that the
 * value alone does not show: `null` fits any type, and an empty array fits any array.
 */
export function sameType(a: JsonValue, b: JsonValue): boolean {
  if (a === null || b === null) return true;
  if (Array.isArray(a) && Array.isArray(b) && (a.length === 0 || b.length === 0)) return true;
  return typeOf(a) === typeOf(b);
}
