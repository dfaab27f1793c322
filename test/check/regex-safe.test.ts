import { describe, expect, test } from "vitest";
import { backtrackingRisk } from "../../compiler/stages/check/regex-backtracking.js";
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
    const deep = "(".repeat(300) + "a" + ")".repeat(300);
    expect(backtrackingRisk(deep, "")).toMatch(/could not be checked for catastrophic backtracking/);
  });
});
