import type { JsonValue } from "prosper/runtime";

/**
 * Whether two JSON values have the same type, as the definition helpers' typing has it
 * (`"Hi"` and `"Hello"` do, `"Hi"` and `1` do not). More lenient than the type checker in two
 * places, where an annotation can make a value fit that the value alone does not show:
 * `null` fits any type, and an empty array fits any array.
 */
export function sameType(a: JsonValue, b: JsonValue): boolean {
  if (a === null || b === null) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return false;
    const elements = [...a, ...b];
    return elements.every((element) => sameType(element, elements[0]!));
  }
  if (typeof a === "object" || typeof b === "object") {
    if (typeof a !== "object" || typeof b !== "object") return false;
    const keys = Object.keys(a as object);
    const other = b as Record<string, JsonValue>;
    return (
      keys.length === Object.keys(other).length &&
      keys.every((key) => Object.hasOwn(other, key) && sameType((a as Record<string, JsonValue>)[key]!, other[key]!))
    );
  }
  return typeof a === typeof b;
}

/** "a string", "an array", "an object with keys a, b": for messages. */
export function describeType(value: JsonValue): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") {
    const keys = Object.keys(value);
    return keys.length ? `an object with keys ${keys.join(", ")}` : "an empty object";
  }
  return `a ${typeof value}`;
}
