import type { JsonValue } from "prosper-runtime";
import { jsonText } from "./json-text.js";
import { propertyKey } from "./type-text.js";

const unit = "  ";
const openers = new Set(["{", "[", "("]);
const closers = new Set(["}", "]", ")"]);

/**
 * Generated code, indented two spaces per open bracket, starting `depth` levels in: the emitter
 * writes code formatted by construction (no formatter runs over the module, see the README's
 * decisions). It reads only what the generators write: brackets outside double-quoted string
 * literals, and comment lines (`//`, `/**`) as they are.
 */
export function indented(text: string, depth = 0): string {
  const lines = text.split("\n");
  let level = depth;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") {
      lines[i] = "";
      continue;
    }
    let leading = 0;
    while (leading < line.length && closers.has(line[leading]!)) leading++;
    lines[i] = unit.repeat(Math.max(0, level - leading)) + line;
    if (line.startsWith("//") || line.startsWith("/*")) continue;
    let inString = false;
    for (let at = 0; at < line.length; at++) {
      const char = line[at]!;
      if (inString) {
        if (char === "\\") at++;
        else if (char === '"') inString = false;
      } else if (char === '"') inString = true;
      else if (openers.has(char)) level++;
      else if (closers.has(char)) level--;
    }
  }
  return lines.join("\n");
}

/** Lines longer than this break their objects and arrays, one member per line. */
const width = 100;

/**
 * A JSON value as a JavaScript literal, as a reader would lay it out: on one line when it fits,
 * else one member per line. -0 stays -0; a key is bare when it can be (a `__proto__` key reads
 * as it did in the JSON text the module held before: a literal's prototype).
 */
export function literalText(value: JsonValue, depth = 0): string {
  const flat = flatText(value);
  if (flat.length + unit.length * depth <= width || value === null || typeof value !== "object") return flat;
  const inner = unit.repeat(depth + 1);
  const members = Array.isArray(value)
    ? value.map((item) => literalText(item, depth + 1))
    : Object.keys(value).map(
        (key) => `${propertyKey(key)}: ${literalText((value as Record<string, JsonValue>)[key]!, depth + 1)}`,
      );
  const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  return `${open}\n${members.map((member) => `${inner}${member},`).join("\n")}\n${unit.repeat(depth)}${close}`;
}

function flatText(value: JsonValue): string {
  if (value === null || typeof value !== "object") return jsonText(value);
  if (Array.isArray(value)) return `[${value.map(flatText).join(", ")}]`;
  const members = Object.keys(value).map(
    (key) => `${propertyKey(key)}: ${flatText((value as Record<string, JsonValue>)[key]!)}`,
  );
  return members.length ? `{ ${members.join(", ")} }` : "{}";
}

/**
 * What emit made of each document, kept by the document's exact JSON text: a watch's next compile
 * remakes only the pieces of documents that changed. `get` remembers a piece for this compile;
 * `settle` ends the compile, forgetting what it did not use.
 */
export class DocumentMemo {
  private previous = new Map<string, unknown>();
  private current = new Map<string, unknown>();
  private readonly texts = new WeakMap<object, string>();

  /** The document's JSON text (see jsonText), worked out once per document object. */
  text(document: object): string {
    let text = this.texts.get(document);
    if (text === undefined) this.texts.set(document, (text = jsonText(document as JsonValue)));
    return text;
  }

  readonly get = <T>(document: object, part: string, make: () => T): T => {
    let key: string;
    try {
      key = `${part}\0${this.text(document)}`;
    } catch {
      return make(); // Not JSON (a test's hostile document): nothing to know it by.
    }
    if (this.current.has(key)) return this.current.get(key) as T;
    const value = this.previous.has(key) ? (this.previous.get(key) as T) : make();
    this.current.set(key, value);
    return value;
  };

  settle(): void {
    this.previous = this.current;
    this.current = new Map();
  }
}
