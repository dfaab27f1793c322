import fc from "fast-check";
import {
  renderReport,
  type ExperimentResults,
  type RegretCurve,
  type ReportInput,
  type VariantResults,
} from "prosper-runtime/report";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { root, typeCheck } from "../support/type-check.js";

const HOSTILE = `<script>alert(1)</script>"'&<b onclick=x>`;
const ARMS = [
  [0.04, 0.05, 0.06],
  [0.1, 0.2],
];
const ALGORITHMS = ["thompson", "ucb1", "epsilonGreedy(0.1)", "seed rule"];

const curve = (algorithm: string, arms: readonly number[], horizon = 10_000, length = 50): RegretCurve => ({
  algorithm,
  arms,
  horizon,
  points: Array.from({ length }, (_, i) => [((i + 1) * horizon) / length, 3 * Math.log(2 + i)] as const),
  boundConstant: 1.5,
});

const VARIANTS: VariantResults[] = [
  { variant: "control", assigned: 1200, completed: 1100, mean: 0.05, interval: [0.04, 0.063] },
  { variant: "green", assigned: 1300, completed: 1250, mean: 0.061, interval: [0.049, 0.075] },
  { variant: "fresh", assigned: 0, completed: 0, mean: null, interval: null },
];

const experiment = (name: string, thompson: boolean): ExperimentResults => ({
  experiment: name,
  algorithm: thompson ? "thompson" : "ucb1",
  enabled: true,
  variants: VARIANTS.map((v, i) => (thompson ? { ...v, probabilityBest: [0.1, 0.9, 0][i]! } : v)),
});

const count = (html: string, pattern: RegExp) => html.match(new RegExp(pattern, "g"))?.length ?? 0;
const svgs = (html: string) => html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];

describe("renderReport", () => {
  test("hostile names appear only escaped, in text and in attributes alike", () => {
    const html = renderReport({
      title: HOSTILE,
      experiments: [
        {
          experiment: HOSTILE,
          algorithm: HOSTILE,
          enabled: true,
          message: HOSTILE,
          variants: [{ variant: HOSTILE, assigned: 3, completed: 1, mean: 1, interval: [0.2, 1] }],
        },
      ],
      regret: [curve(HOSTILE, [0.1, 0.2])],
    });
    expect(html.toLowerCase()).not.toContain("<script");
    expect(html).not.toContain("<b ");
    expect(html).not.toMatch(/<[^>]*\son[a-z]+=/i); // no handler inside any tag (escaped text may say "onclick=")
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;&lt;b onclick=x&gt;");
  });

  test("emoji, control characters, lone surrogates and very long names", () => {
    const long = "🧪".repeat(5000);
    const html = renderReport({
      experiments: [{ ...experiment(`a\u0000b\ud800c ${long}`, false) }],
      regret: [curve(long, [0.5, 0.6])],
    });
    expect(html).toContain("a\ufffdb\ufffdc 🧪");
    expect(html).not.toMatch(/[\u0000-\u0008]/);
    // Plot labels are clipped whole emoji at a time; the tooltip has the whole name.
    expect(html).toContain(`>${"🧪".repeat(23)}…</text>`);
    expect(html).toContain(`<title>${long}</title>`);
  });

  test("the same input gives the same bytes", () => {
    const input: ReportInput = {
      title: "t",
      experiments: [experiment("a", true), experiment("b", false)],
      regret: ARMS.flatMap((arms) => ALGORITHMS.map((a) => curve(a, arms))),
    };
    const first = renderReport(input);
    expect(renderReport(structuredClone(input))).toBe(first);
    expect(first).toMatch(/^<!doctype html>\n<html lang="en">/);
  });

  test("one regret chart per arm set and horizon, one series per curve, one colour per algorithm", () => {
    const regret = [
      ...ARMS.flatMap((arms) => ALGORITHMS.map((a) => curve(a, arms))),
      ...ALGORITHMS.map((a) => curve(a, ARMS[0]!, 100_000)),
    ];
    const html = renderReport({ regret });
    const charts = svgs(html).filter((svg) => svg.includes(`data-plot="regret"`));
    expect(charts).toHaveLength(3);
    for (const chart of charts) {
      expect(count(chart, /<path class="series"/)).toBe(4);
      expect(count(chart, /<path class="bound"/)).toBe(1); // the same constant for all four: one dashed curve
      const colours = [...chart.matchAll(/<path class="series" stroke="(#[0-9a-f]{6})"/g)].map((m) => m[1]);
      expect(new Set(colours).size).toBe(4);
      expect(colours).toEqual(
        [...charts[0]!.matchAll(/<path class="series" stroke="(#[0-9a-f]{6})"/g)].map((m) => m[1]),
      );
    }
    expect(count(html, /<path class="series"/)).toBe(regret.length);
  });

  test("per experiment: a table, a means plot with an interval per completed variant, a bar per assigned one", () => {
    const html = renderReport({ experiments: [experiment("a", true), experiment("b", false)] });
    expect(count(html, /<table>/)).toBe(2);
    expect(count(html, /data-plot="experiment"/)).toBe(4);
    expect(count(html, /class="interval"/)).toBe(4);
    expect(count(html, /class="bar"/)).toBe(4);
    expect(count(html, /<th scope="col">P\(best\)<\/th>/)).toBe(1); // Thompson's table only
    expect(html).toContain("<td>90.0%</td>");
    expect(html).toContain("<td>1,300</td>");
    expect(html).toContain("<td>0.0490 – 0.0750</td>");
  });

  test("thousands of points are drawn with at most 500, ending at the last", () => {
    const html = renderReport({ regret: [curve("thompson", [0.1, 0.2], 100_000, 100_000)] });
    const d = /<path class="series"[^>]* d="([^"]+)"/.exec(html)![1]!;
    expect(count(d, /[ML]/)).toBe(500);
    expect(d).toMatch(/L520 [\d.]+$/); // t = horizon, at the plot's right edge
  });

  test("hostile numbers neither throw nor put NaN or Infinity into the page", () => {
    const odd = [NaN, Infinity, -Infinity, -5, 0, 1e308, -1e308, Number.MIN_VALUE, 2];
    const experiments = odd.map((n, i): ExperimentResults => ({
      experiment: `e${i}`,
      algorithm: "thompson",
      enabled: true,
      variants: [
        { variant: "a", assigned: n, completed: n, mean: n, interval: [n, -n], probabilityBest: n },
        { variant: "b", assigned: 10, completed: n, mean: 0.5, interval: [0.9, 0.1] },
        { variant: "c", assigned: n, completed: 1, mean: null, interval: [n, n] },
      ],
    }));
    const regret = odd.flatMap((n): RegretCurve[] => [
      { algorithm: "x", arms: [n, 0.5], horizon: n, points: [[n, n]], boundConstant: n },
      {
        algorithm: "y",
        arms: [n, 0.5],
        horizon: n,
        points: [
          [1, n],
          [2, 1],
          [n, 3],
          [4, 1e308],
        ],
      },
      { algorithm: "z", arms: [n], horizon: 0, points: [[5, 1]], boundConstant: 1e308 },
      { algorithm: "w", arms: [], horizon: n, points: [] },
    ]);
    let html = "";
    expect(() => (html = renderReport({ experiments, regret }))).not.toThrow();
    expect(html).not.toMatch(/NaN|Infinity/);
    expect(count(html, /<svg /)).toBeGreaterThan(10);
    expect(html).toContain("w: no valid points to plot.");
  });

  test("empty and missing input give a valid document with a note", () => {
    for (const input of [{}, { experiments: [], regret: [] }, null, undefined, 42, { experiments: "x" }]) {
      const html = renderReport(input as ReportInput);
      expect(html).toMatch(/^<!doctype html>\n<html lang="en"><head><meta charset="utf-8">/);
      expect(html).toContain("<title>prosper report</title>");
      expect(html).toContain("Nothing to report");
      expect(html).toMatch(/<\/html>\n$/);
      expect(html).not.toContain("<svg");
    }
    const noVariants = renderReport({
      experiments: [{ experiment: "e", algorithm: "random", enabled: false, variants: [] }],
    });
    expect(noVariants).toContain("This experiment has no variants.");
  });

  test("an experiment with no completions or no assignments gives notes, not empty plots", () => {
    const html = renderReport({
      experiments: [
        {
          experiment: "new",
          algorithm: "random",
          enabled: true,
          variants: [{ variant: "a", assigned: 0, completed: 0, mean: null, interval: null }],
        },
      ],
    });
    expect(html).toContain("No completions yet");
    expect(html).toContain("No assignments yet");
    expect(html).not.toContain("<svg");
  });

  test("input that throws when read still gives a document", () => {
    const input = {
      get experiments(): never {
        throw new Error("boom");
      },
    };
    expect(renderReport(input)).toContain("could not be rendered");
  });

  test("nothing external, no script, no inline handlers: the page's own CSP allows only inline CSS", () => {
    const html = renderReport({ experiments: [experiment("a", true)], regret: [curve("ucb1", [0.1, 0.2])] });
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|\shref=|url\(|@import/i);
    expect(html.match(/https?:\/\/[^"]*/g)).toEqual(expect.arrayContaining(["http://www.w3.org/2000/svg"]));
    expect(new Set(html.match(/https?:\/\/[^"]*/g))).toEqual(new Set(["http://www.w3.org/2000/svg"]));
  });

  test("property: arbitrary input never throws, never lets markup through, never prints NaN", () => {
    const number = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(NaN, Infinity, -Infinity, 0, 1));
    const text = fc.oneof(fc.string(), fc.constant("<i>x</i>"), fc.anything());
    const input = fc.record(
      {
        title: text,
        experiments: fc.array(
          fc.record({
            experiment: text,
            algorithm: text,
            enabled: fc.anything(),
            message: text,
            variants: fc.oneof(
              fc.anything(),
              fc.array(
                fc.record({
                  variant: text,
                  assigned: number,
                  completed: number,
                  mean: fc.oneof(number, fc.constant(null)),
                  interval: fc.oneof(fc.tuple(number, number), fc.anything()),
                  probabilityBest: number,
                }),
              ),
            ),
          }),
          { maxLength: 3 },
        ),
        regret: fc.array(
          fc.record({
            algorithm: text,
            arms: fc.oneof(fc.array(number), fc.anything()),
            horizon: number,
            points: fc.oneof(fc.array(fc.tuple(number, number)), fc.anything()),
            boundConstant: number,
          }),
          { maxLength: 4 },
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(input, (value) => {
        const html = renderReport(value as ReportInput);
        const plots = svgs(html).join("");
        expect(plots).not.toMatch(/="[^"]*(NaN|Infinity)/);
        expect(html).not.toContain("<i>");
      }),
      { numRuns: 200 },
    );
  });
});

// Like the runtime's main entry, the report runs anywhere JavaScript does: ES2022 alone, no DOM, no node.
test("runtime/report.ts type-checks with ES2022 only: no DOM, no node typings", () => {
  expect(typeCheck([join(root, "runtime/report.ts")], {}, { types: [], lib: ["lib.es2022.d.ts"] })).toEqual([]);
});
