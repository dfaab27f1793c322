/**
 * PyOF's `re.match` is a search (unanchored), with Python's `re` syntax. This turns a Python pattern
 * into a JavaScript one with the same meaning (run with the `u` flag, so that both count code
 * points), or says why it cannot: constructs whose meaning differs and that are not worth
 * emulating are rejected rather than silently changed.
 */
export type Translated =
  { readonly ok: true; readonly pattern: string } | { readonly ok: false; readonly message: string };

/** Escapes that mean the same in both. `\d \w \s \b` are Unicode-aware in Python and ASCII in JavaScript. */
const SAME_ESCAPES = /^[nrtfv0-9]$|^[^A-Za-z]$/;

export function translatePattern(python: string): Translated {
  let out = "";
  let inClass = false;
  for (let at = 0; at < python.length; at++) {
    const char = python[at]!;
    if (char === "\\") {
      const next = python[at + 1];
      if (next === undefined) return { ok: false, message: "a pattern may not end with a backslash" };
      at++;
      if (next === "A" && !inClass) out += "^";
      else if (next === "Z" && !inClass) out += "$";
      else if (next === "x" || next === "u") out += "\\" + next;
      else if (SAME_ESCAPES.test(next)) out += "\\" + next;
      else
        return {
          ok: false,
          message: `\\${next} means something different in JavaScript than in Python's re (or nothing); spell the characters out, e.g. [0-9] for \\d`,
        };
      continue;
    }
    if (inClass) {
      if (char === "]") inClass = false;
      if (char === "[") return { ok: false, message: "a [ inside a character class: Python warns, JavaScript differs" };
      out += char;
      continue;
    }
    if (char === "[") {
      inClass = true;
      out += char;
      // `[]` and `[^]` take a first ']' literally in Python, not in JavaScript.
      const start = python[at + 1] === "^" ? at + 2 : at + 1;
      if (python[start] === "]")
        return { ok: false, message: "a ] first in a character class is literal in Python only; escape it" };
      continue;
    }
    if (char === "(" && python[at + 1] === "?") {
      const rest = python.slice(at + 2);
      if (rest.startsWith("P<")) {
        out += "(?<";
        at += 3;
        continue;
      }
      if (!/^(?::|=|!|<=|<!)/.test(rest))
        return {
          ok: false,
          message: `(?${rest[0] ?? ""}... has no JavaScript equivalent (inline flags, named references, comments)`,
        };
    }
    // Python's `.` excludes only \n; JavaScript's also \r, \u2028 and \u2029.
    if (char === ".") out += "[^\\n]";
    // Python's `$` also matches before a final \n.
    else if (char === "$") out += "(?=\\n?$)";
    else out += char;
  }
  if (inClass) return { ok: false, message: "an unterminated character class" };
  try {
    new RegExp(out, "u");
  } catch (error) {
    return { ok: false, message: `not a pattern JavaScript can run the same way: ${(error as Error).message}` };
  }
  return { ok: true, pattern: out };
}
