import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { backtrackingRisk, plainlyLinear, recheckVerdict } from "../../compiler/stages/check/regex-backtracking.js";
import { worstSearchTime } from "../support/search-time.js";
import { attackStrings, regexCases } from "./regex-cases.js";

/**
 * Timing is banned from unit tests here because machines are shared and noisy, so this is a
 * complexity check with a wide margin rather than a benchmark. An accepted pattern searches each
 * attack string (up to 300 characters) in microseconds; a missed exponential one takes seconds on
 * a few dozen characters, a missed cubic one about 5 ms at 300. A search slower than the budget is
 * retried and its fastest run kept, so a pause of the machine does not fail the test; a blow-up
 * is cut off after a second, in a worker, so it fails fast instead of hanging the run.
 * (A missed quadratic pattern takes 0.1 ms at 300 characters: only the verdicts catch those.)
 */
const searchBudgetMs = 5;

describe("PRS304 backtrackingRisk", () => {
  for (const row of regexCases) {
    const name = `${row.safe ? "accepts" : "rejects"} /${row.pattern}/${row.flags}: ${row.why}`;
    test(name, async () => {
      const risk = backtrackingRisk(row.pattern, row.flags);
      expect.soft(risk === undefined).toBe(row.safe);
      // Whatever the verdict says, an accepted pattern must be fast on every attack.
      if (risk !== undefined) return;
      const time = await worstSearchTime(row.pattern, row.flags, attackStrings(row), {
        timeoutMs: 1000,
        retryAboveMs: searchBudgetMs,
        stopAboveMs: searchBudgetMs,
      });
      expect(time.worstMs, `search of ${JSON.stringify(time.worstInput)}`).toBeLessThan(searchBudgetMs);
    });
  }

  test("names the kind of blow-up, an input that shows it, the part to blame and the way out", () => {
    expect(backtrackingRisk("^(a+)+$", "")).toMatch(
      /^\/\^\(a\+\)\+\$\/ can take exponential time, e\.g\. on 'a' \+ 'a'\.repeat\(\d+\) .* because its repetitions around `a` can share .*; rewrite it so that each character can match only one way/,
    );
    expect(backtrackingRisk("^(a|A)+$", "i")).toMatch(
      /^\/\^\(a\|A\)\+\$\/i can take exponential time.* around `a` and `A`/,
    );
    expect(backtrackingRisk("\\s*\\s*$", "")).toMatch(/can take time growing with the cube of the input's length/);
  });

  test("blames the unanchored search when it alone makes a pattern quadratic", () => {
    expect(backtrackingRisk("\\d+$", "")).toMatch(
      /square .* because the search retries `\\d` .* or anchor the pattern with \^$/,
    );
    expect(backtrackingRisk("^\\d*\\d*$", "")).toMatch(/square .* its repetitions around `\\d`/);
  });

  test("rejects, without throwing, a pattern recheck cannot analyse", () => {
    // Repeated, so that it is not plainly linear and reaches recheck.
    const deep = "(".repeat(300) + "a" + ")".repeat(300) + "+";
    expect(backtrackingRisk(deep, "")).toMatch(/could not be checked for catastrophic backtracking/);
  });
});

describe("plainlyLinear, the check that spares loading recheck", () => {
  test("passes the shapes hostnames and paths take", () => {
    for (const [pattern, flags] of [
      ["^len.+", ""],
      ["\\.example\\.com$", ""],
      ["ios|android", "i"],
      ["^staging\\.", ""],
      ["^[a-z]+\\.internal$", ""],
      ["[]", ""],
      ["^[^]*", ""],
      // A class holding `]`, `+` or `*` is one atom: the one repetition is the `x+` after it.
      ["^[\\]+*?{]x+", ""],
      ["^[(|)]x*$", ""],
    ] as const)
      expect(plainlyLinear(pattern, flags), `/${pattern}/${flags}`).toBe(true);
  });

  test("leaves to recheck everything it cannot see is linear", () => {
    for (const [pattern, flags] of [
      ["^(a+)+$", ""],
      ["\\d+$", ""],
      ["^a+b+", ""],
      ["^a+|b+", ""],
      ["^a+", "m"],
      ["(a)\\1", ""],
      ["(?<x>a)\\k<x>", ""],
      ["(?=a+)a", ""],
      ["^a+?", ""],
      ["^(ab)*", ""],
      ["^(?:www\\.)?shop", ""],
      ["^[a-z]+", "v"],
      ["^[\\]+]+x+", ""],
      ["^\\u{61}+", "u"],
    ] as const)
      expect(plainlyLinear(pattern, flags), `/${pattern}/${flags}`).toBe(false);
  });

  test("never passes a pattern the measured cases call unsafe", () => {
    for (const row of regexCases)
      if (plainlyLinear(row.pattern, row.flags)) expect(row.safe, `/${row.pattern}/${row.flags}`).toBe(true);
  });

  test("never passes a pattern recheck finds super-linear", () => {
    const atom = fc.constantFrom(
      ...["a", "b", ".", "\\d", "\\w", "\\s", "[ab]", "[^a]", "\\.", "(?:a|b)", "(a)", "x"],
      // Syntax that is easy to misread: escapes with braces, classes holding brackets or
      // quantifier characters, look-arounds, named groups, back-references.
      ...["\\u{61}", "\\p{L}", "[\\]a]", "[+*]", "(?=a)", "(?<=b)", "(?<n>a)", "\\1", "\\ca", "\\0"],
    );
    const repetition = fc.constantFrom("", "", "*", "+", "?", "{2,}", "{1,3}", "*?");
    const piece = fc.tuple(atom, repetition).map(([a, r]) => a + r);
    const branch = fc.array(piece, { minLength: 1, maxLength: 4 }).map((pieces) => pieces.join(""));
    const pattern = fc
      .tuple(fc.boolean(), fc.array(branch, { minLength: 1, maxLength: 2 }), fc.boolean())
      .map(([start, branches, end]) => `${start ? "^" : ""}${branches.join("|")}${end ? "$" : ""}`);
    const flags = fc.constantFrom("", "i", "m", "s", "u");
    fc.assert(
      fc.property(pattern, flags, (source, flag) => {
        try {
          new RegExp(source, flag);
        } catch {
          return; // Not a pattern: the reader rejects it before any check.
        }
        if (!plainlyLinear(source, flag)) return;
        expect(recheckVerdict(source, flag), `/${source}/${flag}`).toBeUndefined();
      }),
      // Found by this test: without the u flag, `\u{61}` is a repetition recheck cannot read.
      {
        numRuns: 500,
        examples: [
          ["^\\u{61}a", ""],
          ["^\\p{L}x", "i"],
        ],
      },
    );
  });
});
