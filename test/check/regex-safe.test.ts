import { describe, expect, test } from "vitest";
import { backtrackingRisk } from "../../compiler/stages/check/rules/regex-safe.js";

describe("PRS304 backtrackingRisk", () => {
  test.each([
    ["^(a+)+$", "repeats a group that itself repeats"],
    ["(a*)*b", "repeats a group that itself repeats"],
    ["^([a-z]+\\.)+com$", "repeats a group that itself repeats"],
    ["^(\\w|\\d)+$", "can start alike"],
    ["^(a|ab)+$", "can start alike"],
    ["(a|)+", "can start alike"],
    ["(x|.)*y", "can start alike"],
  ])("rejects %s", (pattern, why) => {
    expect(backtrackingRisk(pattern)?.why).toContain(why);
  });

  test.each([
    "^len.+",
    "^(web|api)-\\d+$",
    "^(foo|bar)+$",
    "^(?:a|b)*c",
    "(?<x>ab|cd)+",
    "^\\d{1,3}(\\.\\d{1,3}){3}$",
    "(.*a){3}",
    "^(\\.|x)+$",
    "[(a+)+]",
    "\\(a+\\)+",
  ])("accepts %s", (pattern) => {
    expect(backtrackingRisk(pattern)).toBeUndefined();
  });

  test("the offset points at the quantifier that repeats the ambiguous group", () => {
    expect(backtrackingRisk("^(a+)+$")?.offset).toBe(5);
  });
});
