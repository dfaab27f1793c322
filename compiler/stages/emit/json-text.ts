import type { JsonValue } from "prosper-runtime";

/**
 * A JSON value as text, exactly: like JSON.stringify, except that -0 stays `-0` (JSON.parse reads
 * it back as -0; JSON.stringify would write 0). Keys keep their order. Validated documents nest
 * at most a few dozen levels, so recursion is safe.
 */
export function jsonText(value: JsonValue): string {
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : JSON.stringify(value);
  if (typeof value !== "object" || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(jsonText).join(",")}]`;
  const members = Object.keys(value).map(
    (key) => `${JSON.stringify(key)}:${jsonText((value as Record<string, JsonValue>)[key]!)}`,
  );
  return `{${members.join(",")}}`;
}
