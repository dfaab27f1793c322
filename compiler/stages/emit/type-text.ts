import type { JsonValue } from "prosper-runtime";

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A property key as TypeScript source: bare when it can be, quoted otherwise. */
export const propertyKey = (key: string) => (identifier.test(key) ? key : JSON.stringify(key));

/** The literal type of a JSON value: `"Hi"`, `42`, `{ readonly a: 1 }`, `readonly ["x"]`. */
export function literalType(value: JsonValue): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `readonly [${value.map(literalType).join(", ")}]`;
  const members = Object.entries(value).map(([key, inner]) => `readonly ${propertyKey(key)}: ${literalType(inner)}`);
  return members.length ? `{ ${members.join("; ")} }` : "{}";
}

/** The union of the values' literal types, each once, in first-seen order; `true | false` reads `boolean`. */
export function unionType(values: readonly JsonValue[]): string {
  const members = [...new Set(values.map(literalType))];
  if (members.includes("true") && members.includes("false")) {
    members.splice(members.indexOf("true"), 1, "boolean");
    members.splice(members.indexOf("false"), 1);
  }
  return members.join(" | ") || "never";
}
