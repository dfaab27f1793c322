import type { Rule } from "../rule.js";
import { comparisonsOf } from "../walk.js";

export const regexSafe: Rule = {
  code: "PRS304",
  name: "regex-safe",
  severity: "error",
  description: "A regexMatch pattern has no repetition nested in a repetition (like `(a+)+`), which can backtrack for ever on some inputs.",
  check({ features }, report) {
    for (const feature of features) {
      for (const node of comparisonsOf(feature)) {
        if (node.kind !== "regexMatch") continue;
        const nested = nestedRepetition(node.pattern);
        if (nested !== undefined) {
          report({
            message: `regex /${node.pattern}/ repeats a group that itself repeats (at offset ${nested}); such patterns can take exponential time on some inputs: rewrite it without nesting`,
            span: node.valueSpan,
          });
        }
      }
    }
  },
};

/**
 * The offset of the first quantifier that repeats a group containing a repetition, if any:
 * a star height above one, the pattern shape behind most catastrophic backtracking.
 */
export function nestedRepetition(pattern: string): number | undefined {
  // For each open group: whether something inside it repeats.
  const groups: boolean[] = [false];
  // Whether the atom just before the current position contains a repetition (only for groups).
  let atomRepeats = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === "\\") {
      i++;
      atomRepeats = false;
    } else if (char === "[") {
      for (i++; i < pattern.length && pattern[i] !== "]"; i++) if (pattern[i] === "\\") i++;
      atomRepeats = false;
    } else if (char === "(") {
      groups.push(false);
    } else if (char === ")") {
      atomRepeats = groups.pop() ?? false;
      if (groups.length === 0) groups.push(false);
      groups[groups.length - 1] ||= atomRepeats;
    } else {
      const quantifier = /^(?:[*+?]|\{(\d+)(,(\d*))?\})/.exec(pattern.slice(i));
      if (!quantifier) {
        atomRepeats = false;
        continue;
      }
      const [text, , comma, max] = quantifier;
      const repeats = text !== "?" && (text === "*" || text === "+" || (comma !== undefined && (max === "" || Number(max) > 1)) || (comma === undefined && Number(quantifier[1]) > 1));
      if (repeats && atomRepeats) return i;
      if (repeats) groups[groups.length - 1] = true;
      i += text.length - 1;
      if (pattern[i + 1] === "?") i++;
      atomRepeats = false;
    }
  }
  return undefined;
}
