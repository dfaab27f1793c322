import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { createFixture, type Fixture } from "./compile-fixture.js";
import { writeResults } from "./report-common.js";

/**
 * The compile benchmark (`npm run bench -- compile`): `prosper compile` on generated projects of
 * 10, 100 and 1,000 definitions that use prosper as installed (its packages built first), each
 * run in a fresh process, against `tsc --noEmit -p` on the same project (alternating, so that the machine's drift hits both); a second compile with
 * nothing changed; a one-file change under `--watch`, timed from writing the file to the updated
 * output being on disk; and the compile's peak memory (maxRSS, the largest of the compile and
 * the child that runs the definitions, from /usr/bin/time where there is one).
 */

export const COMPILE_RESULTS_FILE = "test/bench/results/compile.json";

export const compileGoals = { ratioAt1000: 1.5, noChangeMs: 1000, watchMsAt1000: 300 } as const;

const sizes = [
  { definitions: 10, runs: 7, watchEdits: 7 },
  { definitions: 100, runs: 5, watchEdits: 7 },
  { definitions: 1000, runs: 3, watchEdits: 5 },
] as const;

export interface CompileRow {
  readonly definitions: number;
  readonly files: number;
  /** Median wall time of a first compile (into an output folder not made yet), fresh process. */
  readonly compileMs: number;
  /** Median wall time of `tsc --noEmit -p tsconfig.json`, fresh process. */
  readonly tscMs: number;
  /** Median of the per-pair ratios compile / tsc. */
  readonly ratio: number;
  /** Median wall time of a compile with nothing changed since the last. */
  readonly noChangeMs: number;
  /** Median time from writing one definition file to its new output on disk, under --watch. */
  readonly watchMs: number | null;
  /** Peak resident memory of the compile, in MB (null without /usr/bin/time). */
  readonly peakMb: number | null;
  readonly samples: {
    readonly compileMs: readonly number[];
    readonly tscMs: readonly number[];
    readonly noChangeMs: readonly number[];
    readonly watchMs: readonly number[];
  };
}

export interface CompileReport {
  readonly suite: "compile";
  readonly date: string;
  readonly machine: { readonly cpu: string; readonly cores: number };
  readonly node: string;
  readonly goals: typeof compileGoals;
  readonly rows: readonly CompileRow[];
  /** Whether the results file was written: not for a run of some sizes only. */
  readonly written: boolean;
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const timeCommand = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

/** Runs a command to its end: wall time, and maxRSS when /usr/bin/time can say. Throws on failure. */
function timed(command: string, args: readonly string[], cwd: string): Promise<{ ms: number; peakKb?: number }> {
  const [file, argv] = timeCommand
    ? [timeCommand, ["-f", "prosper-bench-maxrss:%M", command, ...args]]
    : [command, [...args]];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(file, argv, { cwd, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("close", (code) => {
      const ms = performance.now() - started;
      if (code !== 0)
        return reject(new Error(`${command} ${args.join(" ")} failed in ${cwd}:\n${output.slice(-2000)}`));
      const peak = /prosper-bench-maxrss:(\d+)/.exec(output)?.[1];
      resolve(peak ? { ms, peakKb: Number(peak) } : { ms });
    });
  });
}

/** The CLI bundled as `npm run compile` bundles it, into a folder of the bench's own. */
async function bundleCli(repoRoot: string): Promise<string> {
  const outdir = join(repoRoot, "node_modules/.cache/prosper/bench-compile");
  mkdirSync(outdir, { recursive: true });
  // esbuild's command, not its API: the bench bundle cannot carry esbuild inside it.
  const args = [
    "compiler/cli.ts",
    "compiler/stages/run/child.ts",
    "--bundle",
    "--platform=node",
    "--format=esm",
    "--conditions=prosper-source",
    ...["ts-morph", "typescript", "prettier", "esbuild", "recheck", "commander"].map((name) => `--external:${name}`),
    "--log-level=warning",
    "--entry-names=[name]",
    `--outdir=${outdir}`,
  ];
  await timed(join(repoRoot, "node_modules/.bin/esbuild"), args, repoRoot);
  return join(outdir, "cli.js");
}

/** Time from writing the watched file to its output showing the change, `edits` times, under one `--watch`. */
async function watchLatencies(cli: string, fixture: Fixture, edits: number): Promise<number[]> {
  const child = spawn(process.execPath, [cli, "compile", "--watch"], {
    cwd: fixture.root,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1" },
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const until = async (done: () => boolean, what: string, limitMs = 120_000) => {
    const started = performance.now();
    while (!done()) {
      if (performance.now() - started > limitMs) throw new Error(`watch: timed out waiting for ${what}:\n${output}`);
      if (child.exitCode !== null) throw new Error(`watch ended early:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  };
  const outputPath = join(fixture.root, fixture.watched.output);
  const defaultNow = () => {
    try {
      return (JSON.parse(readFileSync(outputPath, "utf8")) as { default?: unknown }).default;
    } catch {
      return undefined;
    }
  };
  const latencies: number[] = [];
  try {
    // The first compile ends with a line per change, or "no change".
    await until(() => /\] (written|no change|unchanged|removed)/.test(output), "the first compile");
    for (let n = 1; n <= edits; n++) {
      const lines = output.split("\n").length;
      // Apart, so that each save is its own change, as an editor's are.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const started = performance.now();
      writeFileSync(join(fixture.root, fixture.watched.file), fixture.watched.edit(n));
      await until(() => defaultNow() === fixture.watchedDefault(n), `edit ${n}`);
      latencies.push(performance.now() - started);
      // Let that compile report before the next save.
      await until(() => output.split("\n").length > lines, `the report of edit ${n}`);
    }
  } finally {
    child.kill("SIGINT");
    await new Promise((resolve) => child.once("exit", resolve));
  }
  return latencies;
}

/** `npm run build`: prosper-runtime's and prosper's `dist/`, what the packed packages hold. */
async function buildPackages(repoRoot: string): Promise<void> {
  await timed(process.platform === "win32" ? "npm.cmd" : "npm", ["run", "build", "--silent"], repoRoot);
}

export async function runCompileBench(log: (line: string) => void): Promise<CompileReport> {
  const repoRoot = process.cwd();
  const cli = await bundleCli(repoRoot);
  // The projects use prosper as installed: its packages built, declarations and all.
  await buildPackages(repoRoot);
  const tsc = join(repoRoot, "node_modules/typescript/bin/tsc");
  const rows: CompileRow[] = [];
  // BENCH_COMPILE_SIZES=1000 (say): those sizes only, for iterating; the results file is left alone.
  const only = process.env["BENCH_COMPILE_SIZES"]?.split(",").map(Number);
  // Removed once all sizes are done, for the reason the first compiles write to new folders (below).
  const fixtures: Fixture[] = [];
  try {
    for (const size of sizes.filter((size) => !only || only.includes(size.definitions))) {
      const fixture = createFixture(repoRoot, size.definitions, "built");
      fixtures.push(fixture);
      const compileMs: number[] = [];
      const tscMs: number[] = [];
      const ratios: number[] = [];
      const peaks: number[] = [];
      const noChangeMs: number[] = [];
      // One untimed compile each first: file caches warm, as they are on a developer's machine.
      await timed(process.execPath, [cli, "compile"], fixture.root);
      await timed(process.execPath, [tsc, "--noEmit", "-p", "tsconfig.json"], fixture.root);
      for (let run = 0; run < size.runs; run++) {
        // A first compile: nothing generated yet, so nothing can be reused. Into an output folder
        // of its own rather than generated/ deleted just before: deleting a thousand files right
        // before writing a thousand is the bench's own cost, not the compiler's, and on some file
        // systems a large one (ext4 without a journal, as on this machine, skips every inode
        // deleted in the last minute for each new file: 0.3-1 s more at 1,000 definitions here).
        const out = `generated-run-${run}`;
        const compiled = await timed(process.execPath, [cli, "compile", "--out", out], fixture.root);
        const checked = await timed(process.execPath, [tsc, "--noEmit", "-p", "tsconfig.json"], fixture.root);
        compileMs.push(compiled.ms);
        tscMs.push(checked.ms);
        ratios.push(compiled.ms / checked.ms);
        if (compiled.peakKb) peaks.push(compiled.peakKb);
        noChangeMs.push((await timed(process.execPath, [cli, "compile", "--out", out], fixture.root)).ms);
      }
      log(
        `compile: ${size.definitions} definitions: compile ${median(compileMs).toFixed(0)} ms, tsc ${median(tscMs).toFixed(0)} ms, no change ${median(noChangeMs).toFixed(0)} ms`,
      );
      const watchMs = await watchLatencies(cli, fixture, size.watchEdits);
      log(`compile: ${size.definitions} definitions: watch ${median(watchMs).toFixed(0)} ms`);
      rows.push({
        definitions: size.definitions,
        files: fixture.files.length,
        compileMs: median(compileMs),
        tscMs: median(tscMs),
        ratio: median(ratios),
        noChangeMs: median(noChangeMs),
        watchMs: watchMs.length ? median(watchMs) : null,
        peakMb: peaks.length ? median(peaks) / 1024 : null,
        samples: { compileMs, tscMs, noChangeMs, watchMs },
      });
    }
  } finally {
    for (const fixture of fixtures) rmSync(fixture.root, { recursive: true, force: true });
  }
  const report: CompileReport = {
    suite: "compile",
    date: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length },
    node: process.version,
    goals: compileGoals,
    rows,
    written: !only,
  };
  if (only) log("compile: some sizes only (BENCH_COMPILE_SIZES): results not written");
  else await writeResults(join(repoRoot, COMPILE_RESULTS_FILE), report);
  return report;
}

export function compileTable(report: CompileReport): string {
  const header = ["definitions", "files", "compile ms", "tsc ms", "ratio", "no change ms", "watch ms", "peak MB"];
  const rows = report.rows.map((row) => {
    const at1000 = row.definitions === 1000;
    const goal = (text: string, value: number | null, limit: number, applies: boolean) =>
      value === null ? "n/a" : applies ? `${text} (goal ≤ ${limit}${value <= limit ? ", met" : ", missed"})` : text;
    return [
      String(row.definitions),
      String(row.files),
      row.compileMs.toFixed(0),
      row.tscMs.toFixed(0),
      goal(`${row.ratio.toFixed(2)}×`, row.ratio, compileGoals.ratioAt1000, at1000),
      goal(row.noChangeMs.toFixed(0), row.noChangeMs, compileGoals.noChangeMs, true),
      goal(row.watchMs === null ? "n/a" : row.watchMs.toFixed(0), row.watchMs, compileGoals.watchMsAt1000, at1000),
      row.peakMb === null ? "n/a" : row.peakMb.toFixed(0),
    ];
  });
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join("  ");
  return [
    `compile scaling (${report.machine.cpu}, ${report.machine.cores} cores, node ${report.node})`,
    line(header),
    line(widths.map((width) => "-".repeat(width))),
    ...rows.map(line),
  ].join("\n");
}
