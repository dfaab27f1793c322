import type { JsonValue } from "../format.js";
import { MAX_DEPTH, type DocumentPath } from "../read-json.js";

/**
 * A JSON parser that also says which numbers were written as floats (`3.0`, `1e-05`): JavaScript's
 * numbers cannot tell 3.0 from 3, and PyOF writes them back differently. Never throws.
 */
export type Parsed =
  | { readonly ok: true; readonly value: JsonValue; readonly floats: DocumentPath[] }
  | { readonly ok: false; readonly message: string };

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const SPACE = /[ \t\n\r]*/y;

export function parseJson(text: string): Parsed {
  const floats: DocumentPath[] = [];
  let at = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at offset ${at}`);
  };
  const skip = () => {
    SPACE.lastIndex = at;
    SPACE.test(text);
    at = SPACE.lastIndex;
  };
  const token = (pattern: RegExp) => {
    pattern.lastIndex = at;
    const match = pattern.exec(text);
    if (match) at = pattern.lastIndex;
    return match;
  };
  const value = (path: DocumentPath, depth: number): JsonValue => {
    skip();
    const char = text[at];
    if (char === "{" || char === "[") {
      if (depth >= MAX_DEPTH) fail(`nested more than ${MAX_DEPTH} levels deep`);
      at++;
      skip();
      const close = char === "{" ? "}" : "]";
      const array: JsonValue[] = [];
      const object: Record<string, JsonValue> = {};
      if (text[at] === close) at++;
      else
        for (let index = 0; ; index++) {
          if (char === "{") {
            skip();
            const key = token(STRING);
            if (!key) fail("expected a string key");
            skip();
            if (text[at++] !== ":") fail("expected ':'");
            const name = JSON.parse(key![0]) as string;
            if (Object.hasOwn(object, name)) fail(`a second key ${key![0]}`);
            // Defined, not assigned: a key "__proto__" is data, never a prototype.
            Object.defineProperty(object, name, {
              value: value([...path, name], depth + 1),
              enumerable: true,
              writable: true,
              configurable: true,
            });
          } else array.push(value([...path, index], depth + 1));
          skip();
          const next = text[at++];
          if (next === close) break;
          if (next !== ",") fail(`expected ',' or '${close}'`);
        }
      return char === "{" ? object : array;
    }
    if (char === '"') {
      const match = token(STRING);
      return match ? (JSON.parse(match[0]) as string) : fail("a malformed string");
    }
    for (const [word, literal] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const)
      if (text.startsWith(word, at)) {
        at += word.length;
        return literal;
      }
    const match = token(NUMBER);
    if (!match) return fail("unexpected " + (char === undefined ? "end of text" : JSON.stringify(char)));
    const number = Number(match[0]);
    if (!isFinite(number)) fail(`${match[0]} is too large for a number`);
    if (match[1] || match[2]) floats.push(path);
    else if (!Number.isSafeInteger(number)) fail(`the integer ${match[0]} cannot be held exactly`);
    return number;
  };
  try {
    if (typeof text !== "string") return { ok: false, message: "expected a string of JSON" };
    const parsed = value([], 0);
    skip();
    if (at < text.length) fail("unexpected text after the JSON value");
    return { ok: true, value: parsed, floats };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}
