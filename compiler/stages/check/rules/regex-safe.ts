import { comparisonsOf } from "../../../model/walk.js";
import type { Rule } from "../rule.js";

export const regexSafe: Rule = {
  code: "PRS304",
  name: "regex-safe",
  severity: "error",
  description:
    "A regexMatch pattern does not repeat a group that itself repeats (`(a+)+`) or that chooses between alternatives starting alike (`(\\w|\\d)+`): both can backtrack for ever on some inputs.",
  check({ features }, report) {
    for (const { document, source } of features) {
      for (const { node, path } of comparisonsOf(document)) {
        if (node.kind !== "regexMatch") continue;
        const risk = backtrackingRisk(node.pattern);
        if (risk) {
          report({
            message: `regex /${node.pattern}/ ${risk.why} (at offset ${risk.offset}); such patterns can take exponential time on some inputs: ${risk.fix}`,
            span: source.at([...path, "pattern"]),
            source,
          });
        }
      }
    }
  },
};

interface Group {
  /** Something inside repeats. */
  repeats: boolean;
  /** How each alternative starts: a literal character, or "?" when it could start with many. */
  starts: string[];
  /** The next atom starts an alternative. */
  atStart: boolean;
}

/**
 * Where a pattern repeats, without bound, a group that is itself ambiguous, if it does: a group containing a
 * repetition (star height above one), or a choice whose alternatives can start with the same
 * character. These are the shapes behind most catastrophic backtracking. Conservative: a
 * class, an escape or `.` at the start of an alternative counts as able to overlap.
 */
export function backtrackingRisk(pattern: string): { offset: number; why: string; fix: string } | undefined {
  const groups: Group[] = [{ repeats: false, starts: [], atStart: true }];
  let last: { repeats: boolean; overlaps: boolean } | undefined;
  const atom = (start: string) => {
    const group = groups[groups.length - 1]!;
    if (group.atStart) group.starts.push(start);
    group.atStart = false;
  };
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === "\\") {
      // An escaped letter is a class (\d, \w) or worse; escaped punctuation is that character.
      atom(/[A-Za-z0-9]/.test(pattern[i + 1] ?? "") ? "?" : pattern[i + 1]!);
      i++;
      last = { repeats: false, overlaps: false };
    } else if (char === "[") {
      atom("?");
      for (i++; i < pattern.length && pattern[i] !== "]"; i++) if (pattern[i] === "\\") i++;
      last = { repeats: false, overlaps: false };
    } else if (char === "(") {
      atom("?");
      groups.push({ repeats: false, starts: [], atStart: true });
      if (pattern[i + 1] === "?")
        i += pattern[i + 2] === "<" && !/[=!]/.test(pattern[i + 3] ?? "") ? pattern.indexOf(">", i) - i : 2;
      last = undefined;
    } else if (char === "|") {
      const group = groups[groups.length - 1]!;
      if (group.atStart) group.starts.push("?");
      group.atStart = true;
    } else if (char === ")" && groups.length > 1) {
      const group = groups.pop()!;
      if (group.atStart) group.starts.push("?");
      const overlaps =
        group.starts.length > 1 && (group.starts.includes("?") || new Set(group.starts).size < group.starts.length);
      last = { repeats: group.repeats, overlaps };
      groups[groups.length - 1]!.repeats ||= group.repeats;
    } else {
      const quantifier = /^(?:[*+?]|\{(\d+)(,(\d*))?\})/.exec(pattern.slice(i));
      if (!quantifier) {
        atom(char === "." ? "?" : char);
        last = { repeats: false, overlaps: false };
        continue;
      }
      const [text, min, comma, max] = quantifier;
      const repeats =
        text === "*" || text === "+" || (comma !== undefined ? max === "" || Number(max) > 1 : Number(min) > 1);
      // Only an unbounded repetition of an ambiguous group explodes; {3} of one stays small.
      const unbounded = text === "*" || text === "+" || max === "";
      if (unbounded && last?.repeats)
        return { offset: i, why: "repeats a group that itself repeats", fix: "rewrite it without nesting" };
      if (unbounded && last?.overlaps) {
        return {
          offset: i,
          why: "repeats a choice between alternatives that can start alike",
          fix: "use a character class, or alternatives that start differently",
        };
      }
      if (repeats) groups[groups.length - 1]!.repeats = true;
      i += text.length - 1;
      if (pattern[i + 1] === "?") i++;
      last = undefined;
    }
  }
  return undefined;
}
