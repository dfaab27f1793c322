import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { analyse } from "scslre";
import { bench, describe } from "vitest";
import { backtrackingRisk } from "../../compiler/stages/check/regex-backtracking.js";
import { attackStrings, regexCases, type RegexCase } from "./regex-cases.js";
import { worstSearchTime, type SearchTime } from "../support/search-time.js";

/**
 * The measurements behind test/check/regex-detectors.md: each candidate ReDoS detector's verdict
 * on every row of regex-cases.ts and how long it takes to decide, and how long V8 really takes to
 * search each row's attack strings (hand-written, generic, and those recheck reports), so that
 * what a detector accepts is checked against what the engine does.
 *
 * Run: npm run bench:regex-detectors
 * It takes about ten minutes on 2 cores, prints the tables as markdown, then benches the fast
 * detectors over the whole table.
 */

const require = createRequire(import.meta.url);

type Verdict = "reject" | "accept" | "unknown";

/** recheck's attack: `prefix + pump.repeat(n)` for each pump, then `suffix`. */
interface RecheckAttack {
  pumps: { prefix: string; pump: string }[];
  suffix: string;
}

interface Checked {
  verdict: Verdict;
  /** What the detector said. */
  detail: string;
  attack?: RecheckAttack;
  /** The first call, which pays for warming up. */
  firstMs: number;
  /** The median of three more calls, when the first took under a second. */
  warmMs: number;
}

/**
 * Each detector runs in its own worker thread with 2 GB of heap: redos-detector ran the whole
 * process out of memory (4 GB) on `(.*a){12}`. A worker that dies or takes over a minute on a
 * row gives that row "unknown", and a new worker goes on from the next row.
 */
function runDetector(name: string, rows: readonly RegexCase[]): Promise<Checked[]> {
  const paths = Object.fromEntries(
    ["recheck/lib/browser.js", "redos-detector", "scslre"].map((id) => [id, require.resolve(id)]),
  );
  const results: Checked[] = [];
  const startAt = (start: number): Promise<void> =>
    new Promise((resolve) => {
      const worker = new Worker(detectorSource, {
        eval: true,
        workerData: { name, rows: rows.map(({ pattern, flags }) => ({ pattern, flags })), start, paths },
        resourceLimits: { maxOldGenerationSizeMb: 2048 },
      });
      const giveUp = () => void worker.terminate();
      let timer = setTimeout(giveUp, 60_000);
      worker.on("message", (result: Checked) => {
        clearTimeout(timer);
        results.push(result);
        timer = setTimeout(giveUp, 60_000);
      });
      worker.on("error", () => {});
      worker.on("exit", () => {
        clearTimeout(timer);
        if (results.length === rows.length) return resolve();
        results.push({ verdict: "unknown", detail: "out of memory or hung", firstMs: NaN, warmMs: NaN });
        resolve(results.length < rows.length ? startAt(results.length) : undefined);
      });
    });
  return startAt(0).then(() => results);
}

// Plain JS: a worker started from source needs no TypeScript loader.
const detectorSource = `
const { parentPort, workerData } = require("node:worker_threads");
const { name, rows, start, paths } = workerData;
const recheck = require(paths["recheck/lib/browser.js"]);
const { isSafePattern } = require(paths["redos-detector"]);
const { analyse } = require(paths["scslre"]);

const viaRecheck = (checker) => (pattern, flags) => {
  const found = recheck.checkSync(pattern, flags, { checker, timeout: 10000 });
  if (found.status === "unknown") return { verdict: "unknown", detail: found.error.kind };
  const { complexity } = found;
  const kind = complexity.type === "polynomial" ? "degree " + complexity.degree : complexity.type;
  const detail = (found.checker === "fuzz" ? "fuzz " : "") + kind;
  if (found.status === "safe") return { verdict: "accept", detail };
  const attack = { pumps: found.attack.pumps.map(({ prefix, pump }) => ({ prefix, pump })), suffix: found.attack.suffix };
  return { verdict: "reject", detail, attack };
};

const judges = {
  "recheck auto": viaRecheck("auto"),
  "recheck automaton": viaRecheck("automaton"),
  "recheck fuzz": viaRecheck("fuzz"),
  "redos-detector": (pattern, flags) => {
    // Without a time limit it runs out of memory on (.*a){12}.
    const result = isSafePattern(pattern, {
      caseInsensitive: flags.includes("i"),
      multiLine: flags.includes("m"),
      dotAll: flags.includes("s"),
      unicode: flags.includes("u"),
      timeout: 1000,
    });
    const score = result.score.infinite ? "∞" : String(result.score.value);
    return { verdict: result.safe ? "accept" : "reject", detail: "score " + score + (result.error ? " " + result.error : "") };
  },
  scslre: (pattern, flags) => {
    const { reports } = analyse({ source: pattern, flags });
    const kinds = [...new Set(reports.map((report) => report.type + (report.exponential ? " exp" : "")))];
    return { verdict: reports.length > 0 ? "reject" : "accept", detail: kinds.join(", ") };
  },
};

const timed = (judge, row) => {
  const start = performance.now();
  let judgement;
  try {
    judgement = judge(row.pattern, row.flags);
  } catch (error) {
    judgement = { verdict: "unknown", detail: "throws " + error.message };
  }
  return { judgement, ms: performance.now() - start };
};

for (let i = start; i < rows.length; i++) {
  const first = timed(judges[name], rows[i]);
  const runs = first.ms > 1000 ? [first.ms] : [0, 1, 2].map(() => timed(judges[name], rows[i]).ms);
  const warmMs = runs.sort((a, b) => a - b)[runs.length >> 1];
  parentPort.postMessage({ ...first.judgement, firstMs: first.ms, warmMs });
}
`;

const detectorNames = ["recheck auto", "recheck automaton", "recheck fuzz", "redos-detector", "scslre"];

/** The wrapper: the same verdicts as "recheck auto" (it memoises, so only one call is timed). */
function runChosen(rows: readonly RegexCase[]): Checked[] {
  return rows.map(({ pattern, flags }) => {
    const start = performance.now();
    const verdict = backtrackingRisk(pattern, flags) === undefined ? "accept" : "reject";
    const ms = performance.now() - start;
    return { verdict, detail: "", firstMs: ms, warmMs: ms };
  });
}

/** recheck's attack, pumped to about `length` characters. */
function recheckAttack(attack: RecheckAttack | undefined, length: number): string[] {
  if (attack === undefined) return [];
  const { pumps, suffix } = attack;
  const fixed = pumps.reduce((sum, pump) => sum + pump.prefix.length, suffix.length);
  const perTime = pumps.reduce((sum, pump) => sum + pump.pump.length, 0);
  const times = Math.max(1, Math.round((length - fixed) / perTime));
  return [pumps.map((pump) => pump.prefix + pump.pump.repeat(times)).join("") + suffix];
}

/** V8's slowest search on the row's attacks up to 300 characters (the bar), and at 3,000 (the trend). */
async function searchTimes(row: RegexCase, found: (RecheckAttack | undefined)[]) {
  const inputs = (lengths: number[]) => [
    ...attackStrings(row, lengths),
    ...found.flatMap((attack) => lengths.flatMap((length) => recheckAttack(attack, length))),
  ];
  const upTo300 = await worstSearchTime(row.pattern, row.flags, inputs([20, 30, 50, 100, 300]));
  const at3000 = upTo300.timedOut ? undefined : await worstSearchTime(row.pattern, row.flags, inputs([3000]));
  return { upTo300, at3000 };
}

/** A module's import time in a fresh process, median of three. */
function importMs(specifier: string): number {
  const script = `const start = performance.now(); require(${JSON.stringify(specifier)}); console.log(performance.now() - start);`;
  const runs = [0, 1, 2].map(() => Number(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" })));
  return runs.sort((a, b) => a - b)[1]!;
}

const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value >= 1 ? value.toFixed(1) : value.toFixed(3));
const timeCell = (time: SearchTime | undefined) =>
  time === undefined ? "" : time.timedOut ? `> ${ms(time.worstMs)}` : ms(time.worstMs);
const code = (text: string) => "`" + text.replaceAll("|", "\\|").replaceAll("\n", "\\n") + "`";
const named = (row: RegexCase) => code(row.pattern) + (row.flags ? ` ${row.flags}` : "");
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;

const names = [...detectorNames, "backtrackingRisk"];
const results: Checked[][] = [];
for (const name of detectorNames) results.push(await runDetector(name, regexCases));
results.push(runChosen(regexCases));
const timings: Awaited<ReturnType<typeof searchTimes>>[] = [];
for (const [i, row] of regexCases.entries()) {
  timings.push(
    await searchTimes(
      row,
      results.map((byRow) => byRow[i]!.attack),
    ),
  );
}

console.log("\n## Rows\n");
console.log(`| pattern | must | worst ms ≤ 300 chars | at 3,000 | ${names.join(" | ")} |`);
console.log(`|${" --- |".repeat(4 + names.length)}`);
regexCases.forEach((row, i) => {
  const verdicts = results.map((byRow) => {
    const { verdict, detail } = byRow[i]!;
    const wrong = verdict === "unknown" || (verdict === "accept") !== row.safe;
    const text = `${verdict} ${detail.length > 30 ? detail.slice(0, 30) + "…" : detail}`.trim();
    return wrong ? `**${text}**` : text;
  });
  const { upTo300, at3000 } = timings[i]!;
  console.log(
    `| ${named(row)} | ${row.safe ? "accept" : "reject"} | ${timeCell(upTo300)} | ${timeCell(at3000)} | ${verdicts.join(" | ")} |`,
  );
});

console.log("\n## Rows whose timing disagrees with `safe` (slow: > 5 ms up to 300 characters, or > 1 ms at 3,000)\n");
regexCases.forEach((row, i) => {
  const { upTo300, at3000 } = timings[i]!;
  const slow = upTo300.worstMs > 5 || (at3000?.worstMs ?? 0) > 1;
  if (slow !== row.safe) return;
  const worst = at3000 && at3000.worstMs > upTo300.worstMs ? at3000 : upTo300;
  console.log(`- ${named(row)}: ${timeCell(worst)} ms on ${code(JSON.stringify(worst.worstInput).slice(0, 50))}`);
});

console.log("\n## Detectors\n");
console.log(
  "| detector | false negatives | false positives | unknown | check ms: median, p90, max | first call: max | worst accepted search ms ≤ 300 chars (at 3,000) |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- |");
names.forEach((name, d) => {
  const byRow = results[d]!;
  const rows = (pick: (row: RegexCase, verdict: Verdict) => boolean) =>
    regexCases.filter((row, i) => pick(row, byRow[i]!.verdict)).map(named);
  const falseNegatives = rows((row, verdict) => !row.safe && verdict === "accept");
  const falsePositives = rows((row, verdict) => row.safe && verdict === "reject");
  const unknown = rows((_, verdict) => verdict === "unknown");
  const checks = byRow.map((result) => result.warmMs).filter((value) => !Number.isNaN(value));
  const accepted = timings.filter((_, i) => byRow[i]!.verdict === "accept");
  const worst = accepted.reduce((max, time) => (time.upTo300.worstMs > max.upTo300.worstMs ? time : max));
  const worstAt3000 = Math.max(...accepted.map((time) => time.at3000?.worstMs ?? Infinity));
  console.log(
    `| ${name} | ${falseNegatives.length}: ${falseNegatives.join(", ")} | ${falsePositives.length}: ${falsePositives.join(", ")} | ${unknown.length}: ${unknown.join(", ")} | ${[0.5, 0.9, 1].map((p) => ms(percentile(checks, p))).join(", ")} | ${ms(Math.max(...byRow.map((result) => result.firstMs).filter((value) => !Number.isNaN(value))))} | ${timeCell(worst.upTo300)} (${ms(worstAt3000)}) |`,
  );
});

console.log("\n## Import time (fresh process, median of 3)\n");
for (const specifier of ["recheck/lib/browser.js", "redos-detector", "scslre"]) {
  console.log(`- ${specifier}: ${ms(importMs(specifier))} ms`);
}

// vitest bench wants a bench: the whole table, without the slow rows, through the fast detectors.
describe("over the rows every detector decides in under 100 ms", () => {
  const quick = regexCases.filter((_, i) => results.every((byRow) => byRow[i]!.firstMs < 100));
  const recheck = require("recheck/lib/browser.js") as typeof import("recheck");
  bench("recheck auto", () => {
    for (const { pattern, flags } of quick) recheck.checkSync(pattern, flags, { checker: "auto" });
  });
  bench("scslre", () => {
    for (const { pattern, flags } of quick) analyse({ source: pattern, flags });
  });
});
