import { createRequire } from "node:module";
import type { Diagnostics, Hotspot } from "recheck";

/**
 * Whether searching with `new RegExp(pattern, flags)` can take more than linear time on some
 * input (catastrophic backtracking, ReDoS), as recheck sees it: undefined when it cannot, else one
 * sentence for the user saying what is wrong and what to do. `pattern` must be a valid RegExp.
 *
 * recheck decides by automata theory where it can, and by fuzzing V8-like matching where the
 * pattern has look-arounds, back-references or large counted repetitions; why recheck, and the
 * measurements behind it, are in test/check/regex-detectors.md. Any super-linear time is
 * rejected, quadratic included: the runtime's search is unanchored, so `\d+$` re-scans from every
 * position (40 ms on 10,000 characters), and the fix is usually cheap (`\d$`, or an anchor).
 *
 * When recheck cannot decide (its 10 s budget runs out, it fails), the pattern is rejected: the
 * author can simplify it now, while a pattern let through unchecked could hang every process
 * that evaluates the feature.
 */
export function backtrackingRisk(pattern: string, flags: string): string | undefined {
  if (plainlyLinear(pattern, flags)) return undefined;
  const key = `${flags}/${pattern}`;
  if (!verdicts.has(key)) verdicts.set(key, recheckVerdict(pattern, flags));
  return verdicts.get(key);
}

/**
 * Whether a search with the pattern is linear on its face, so that recheck need not be loaded
 * (about 100 ms, with its first check): no repetition at all, or one repetition of a single
 * character, class or escape in a pattern anchored at the start (`^`, no `m` flag) with no
 * alternation, so that one attempt backtracks over at most one count per input position.
 * Hostnames and paths (`^staging\.`, `\.example\.com$`, `^len.+`) are mostly of this kind. It
 * may miss a linear pattern (recheck then decides) but never passes one that is not: a
 * back-reference, a look-around, a group that repeats or a `v`-flag class sends it to recheck.
 */
export function plainlyLinear(pattern: string, flags: string): boolean {
  if (flags.includes("v")) return false;
  let repetitions = 0;
  let alternation = false;
  // What a repetition would apply to: a single character, class or escape, or anything else.
  let last: "single" | "other" = "other";
  for (let at = 0; at < pattern.length; at++) {
    const char = pattern[at]!;
    if (char === "\\") {
      const next = pattern[at + 1];
      if (next === undefined || /[1-9k]/.test(next)) return false;
      // Without the u flag, `\u{61}` is "u" 61 times and `\p{L}` a "p" and a literal: easy to
      // misread, and recheck reads them otherwise. Left to recheck.
      if (pattern[at + 2] === "{" && /[uxpP]/.test(next) && !/[uv]/.test(flags)) return false;
      at++;
      last = "single";
    } else if (char === "[") {
      // To the class's closing bracket: in JavaScript, `[]` and `[^]` are whole classes.
      at++;
      while (at < pattern.length && pattern[at] !== "]") at += pattern[at] === "\\" ? 2 : 1;
      if (at >= pattern.length) return false;
      last = "single";
    } else if ("*+?{".includes(char)) {
      // After a group, an anchor, another repetition or nothing: not a simple repetition.
      if (last !== "single") return false;
      repetitions++;
      last = "other";
    } else if (char === "(") {
      // Only plain and non-capturing groups (`(?:`); named groups and look-arounds go to recheck.
      if (pattern[at + 1] === "?") {
        if (pattern[at + 2] !== ":") return false;
        at += 2;
      }
      last = "other";
    } else {
      if (char === "|") alternation = true;
      last = char === ")" || char === "|" || char === "^" || char === "$" ? "other" : "single";
    }
  }
  if (repetitions === 0) return true;
  return repetitions === 1 && !alternation && pattern.startsWith("^") && !flags.includes("m");
}

/** A compile often repeats a pattern across features; a check can take a second when fuzzing. */
const verdicts = new Map<string, string | undefined>();

/** recheck's default budget: typical patterns take 1 to 30 ms, fuzzed or long ones up to 2 s. */
const timeoutMs = 10_000;

/** recheck's verdict, whatever the pattern: what `backtrackingRisk` asks when the pattern is not plainly linear. */
export function recheckVerdict(pattern: string, flags: string): string | undefined {
  const regex = `/${pattern}/${flags}`;
  try {
    return explain(regex, pattern, recheck().checkSync(pattern, flags, { checker: "auto", timeout: timeoutMs }));
  } catch (error) {
    // A Scala.js exception, a stack overflow on deeply nested groups, or an answer of a new shape.
    return `${regex} could not be checked for catastrophic backtracking (${String(error)}); simplify it`;
  }
}

function explain(regex: string, pattern: string, diagnostics: Diagnostics): string | undefined {
  switch (diagnostics.status) {
    case "safe":
      return undefined;
    case "vulnerable": {
      const { attack, complexity, hotspot } = diagnostics;
      // recheck writes the attack as JS, e.g. 'a' + 'a'.repeat(31) + '\x00'; a long one says little.
      const example = attack.pattern.length <= 80 ? `, e.g. on ${attack.pattern},` : "";
      const hot = hotParts(pattern, hotspot);
      if (complexity.type === "exponential") {
        return `${regex} can take exponential time${example} because its repetitions around ${hot} can share the same characters in many ways; rewrite it so that each character can match only one way: no repetition of something that itself repeats or is optional, no repeated alternatives that overlap`;
      }
      const growth = `${regex} can take time growing with the ${power(complexity.degree)} of the input's length${example}`;
      if (complexity.degree === 2 && !pattern.startsWith("^")) {
        return `${growth} because the search retries ${hot} from every position; drop that leading repetition (for a yes/no search \`\\d$\` finds what \`\\d+$\` finds) or anchor the pattern with ^`;
      }
      return `${growth} because its repetitions around ${hot} can share the same characters in many ways; rewrite it so that neighbouring repetitions cannot match the same characters`;
    }
    default: {
      // "unknown", or any status a later recheck adds: undecided, so rejected.
      const { error } = diagnostics;
      return error.kind === "timeout"
        ? `${regex} is too complex to check for catastrophic backtracking within ${timeoutMs / 1000} s; simplify it (fewer or smaller counted repetitions {n,m}), or split it into several conditions`
        : `${regex} could not be checked for catastrophic backtracking (${error.kind}${"message" in error ? `: ${error.message}` : ""}); simplify it`;
    }
  }
}

const require = createRequire(import.meta.url);
let loaded: typeof import("recheck") | undefined;

/**
 * recheck's pure JavaScript (Scala.js) build, loaded on first use (55 ms). The package's main
 * entry runs checkSync through a worker that starts recheck's native binary or a JVM when
 * installed; this build runs in-process, the same on every machine.
 */
function recheck(): typeof import("recheck") {
  return (loaded ??= require("recheck/lib/browser.js") as typeof import("recheck"));
}

/** The parts of the pattern recheck found the backtracking in, e.g. "`\\w` and `\\d`". */
function hotParts(pattern: string, hotspot: Hotspot[]): string {
  const parts = [...new Set(hotspot.map(({ start, end }) => pattern.slice(start, end)))];
  return parts.length === 0 ? "it" : parts.map((part) => "`" + part + "`").join(" and ");
}

function power(degree: number): string {
  return degree === 2 ? "square" : degree === 3 ? "cube" : `${degree}th power`;
}
