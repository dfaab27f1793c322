import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, platform, release } from "node:os";
import { dirname } from "node:path";
import { parentPort, Worker } from "node:worker_threads";
import { renderReport } from "prosper-runtime/report";
import {
  BENCH_ALGORITHMS,
  checkpoints,
  FINAL_WINDOW,
  seedOf,
  simulateRun,
  type BenchAlgorithm,
  type RunInput,
  type RunResult,
} from "../support/bandit-simulation.js";
import { laiRobbinsConstant } from "../support/lai-robbins.js";

/**
 * The bandit benchmark (`npm run bench -- bandits`): every algorithm, and the seed README's rule
 * as a baseline, on Bernoulli arms, each run driven through `forUnit`/`pick`/`complete` as an
 * application drives it. Regret is compared with the Lai–Robbins bound c·ln T, the least regret
 * any consistent policy can have. Runs are seeded, and run i of a row sees the same rewards and
 * salt whatever the algorithm (common random numbers), so differences between rows are the
 * algorithms'. Results go to test/bench/results/bandits.json, which `prosper report --bandits` reads.
 */

const ARM_SETS: readonly (readonly number[])[] = [
  [0.04, 0.05, 0.06],
  [0.1, 0.2, 0.3],
];

/** A run is locked in when one wrong arm gets this share of the pulls in the final window. */
const LOCK_IN_SHARE = 0.9;

export const RESULTS_FILE = "test/bench/results/bandits.json";
/** Not committed: `prosper report --bandits` draws it again from the JSON. */
export const REPORT_FILE = "test/bench/results/bandits.html";

export interface BanditOptions {
  /** 20 runs at T = 1e4 only: a smoke run, whose results are not written. */
  readonly quick: boolean;
  /** Runs per row at T = 1e5 (at least 20). */
  readonly longRuns: number;
  /** Where progress lines go (stderr in --json mode). */
  readonly log: (line: string) => void;
}

/** One row: one algorithm on one arm set at one horizon, aggregated over its runs. */
export interface BanditRow {
  readonly arms: readonly number[];
  readonly horizon: number;
  readonly algorithm: BenchAlgorithm;
  readonly runs: number;
  /** Mean cumulative pseudo-regret over the runs, and its standard error. */
  readonly meanRegret: number;
  readonly standardError: number;
  /** c of the Lai–Robbins bound c·ln T, the bound itself, and meanRegret / bound. */
  readonly boundConstant: number;
  readonly bound: number;
  readonly ratio: number;
  /** The mean share of the pulls that went to the best arm. */
  readonly bestShare: number;
  /** Runs whose most-pulled arm over the last 10% of the horizon is not the best. */
  readonly endedOnWrongArm: number;
  /** Runs where one wrong arm got at least 90% of the pulls over the last 10% of the horizon. */
  readonly lockedIn: number;
  readonly wallMs: number;
  /** The mean time of one step (forUnit, pick, complete) in a worker, in µs: the runtime's cost, not the algorithm's quality. */
  readonly stepMicros: number;
}

export interface BanditCurve {
  readonly algorithm: BenchAlgorithm;
  readonly arms: readonly number[];
  readonly horizon: number;
  /** [t, mean cumulative regret after t steps], about 200 log-spaced t ending at the horizon. */
  readonly points: readonly (readonly [number, number])[];
  readonly boundConstant: number;
}

export interface BanditReport {
  readonly suite: "bandits";
  readonly date: string;
  readonly machine: { readonly cpu: string; readonly cores: number; readonly os: string };
  readonly node: string;
  readonly quick: boolean;
  readonly workers: number;
  readonly wallMs: number;
  /** The share of the horizon at its end that "ended on a wrong arm" and "locked in" look at. */
  readonly finalWindow: number;
  /** The share of the final window's pulls one wrong arm must get for a run to count as locked in. */
  readonly lockInShare: number;
  readonly rows: readonly BanditRow[];
  readonly curves: readonly BanditCurve[];
}

type Task = { readonly id: number; readonly input: RunInput };
type Answer = { readonly id: number; readonly result?: RunResult; readonly ms?: number; readonly error?: string };

/** The worker side: runs one simulation per message, one at a time. */
export function banditWorker(): void {
  parentPort!.on("message", ({ id, input }: Task) => {
    const started = performance.now();
    simulateRun(input).then(
      (result) => parentPort!.postMessage({ id, result, ms: performance.now() - started } satisfies Answer),
      (error: unknown) =>
        parentPort!.postMessage({
          id,
          error: (error instanceof Error && error.stack) || String(error),
        } satisfies Answer),
    );
  });
}

/**
 * Worker threads that each run one simulation at a time, fed from one queue. Each is this same
 * (bundled) module started again with `workerData.suite`, which test/bench/main.ts dispatches on.
 */
function workerPool(size: number) {
  type Timed = { readonly result: RunResult; readonly ms: number };
  const queue: { task: Task; resolve: (timed: Timed) => void; reject: (error: Error) => void }[] = [];
  const pending = new Map<number, (typeof queue)[number]>();
  const idle: Worker[] = [];
  let nextId = 0;
  const feed = () => {
    while (idle.length && queue.length) {
      const job = queue.shift()!;
      pending.set(job.task.id, job);
      idle.pop()!.postMessage(job.task);
    }
  };
  const workers = Array.from({ length: size }, () => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { suite: "bandits" } });
    worker.on("message", ({ id, result, ms, error }: Answer) => {
      const job = pending.get(id)!;
      pending.delete(id);
      if (error !== undefined) job.reject(new Error(error));
      else job.resolve({ result: result!, ms: ms! });
      idle.push(worker);
      feed();
    });
    worker.on("error", (error) => {
      for (const job of pending.values()) job.reject(error);
    });
    idle.push(worker);
    return worker;
  });
  return {
    run: (input: RunInput) =>
      new Promise<Timed>((resolve, reject) => {
        queue.push({ task: { id: nextId++, input }, resolve, reject });
        feed();
      }),
    close: () => Promise.all(workers.map((worker) => worker.terminate())),
  };
}

/** The rows the suite measures, in the order it prints them. */
function plan({ quick, longRuns }: BanditOptions) {
  const horizons: [horizon: number, runs: number][] = quick
    ? [[1e4, 20]]
    : [
        // 400 runs at 1e4: the lock-in goal is "none in 400 runs".
        [1e4, 400],
        [1e5, longRuns],
      ];
  return ARM_SETS.flatMap((means, set) =>
    horizons.flatMap(([horizon, runs]) =>
      (Object.keys(BENCH_ALGORITHMS) as BenchAlgorithm[]).map((algorithm) => ({
        means,
        set,
        horizon,
        runs,
        algorithm,
      })),
    ),
  );
}

function summarise(
  { means, horizon, algorithm }: { means: readonly number[]; horizon: number; algorithm: BenchAlgorithm },
  timed: readonly { readonly result: RunResult; readonly ms: number }[],
  points: readonly number[],
  wallMs: number,
): { row: BanditRow; curve: BanditCurve } {
  const results = timed.map(({ result }) => result);
  const runs = results.length;
  const best = means.indexOf(Math.max(...means));
  const meanRegret = results.reduce((sum, r) => sum + r.regret, 0) / runs;
  const variance = results.reduce((sum, r) => sum + (r.regret - meanRegret) ** 2, 0) / Math.max(1, runs - 1);
  const boundConstant = laiRobbinsConstant(means);
  const bound = boundConstant * Math.log(horizon);
  const finalWindow = Math.floor(horizon * FINAL_WINDOW);
  const row: BanditRow = {
    arms: means,
    horizon,
    algorithm,
    runs,
    meanRegret,
    standardError: Math.sqrt(variance / runs),
    boundConstant,
    bound,
    ratio: meanRegret / bound,
    bestShare: results.reduce((sum, r) => sum + r.pulls[best]! / horizon, 0) / runs,
    endedOnWrongArm: results.filter((r) => r.finalPulls[best]! < Math.max(...r.finalPulls)).length,
    lockedIn: results.filter((r) => r.finalPulls.some((n, arm) => arm !== best && n >= LOCK_IN_SHARE * finalWindow))
      .length,
    wallMs,
    stepMicros: (1000 * timed.reduce((sum, { ms }) => sum + ms, 0)) / (runs * horizon),
  };
  const curve: BanditCurve = {
    algorithm,
    arms: means,
    horizon,
    points: points.map((t, k) => [t, round(results.reduce((sum, r) => sum + r.curve[k]!, 0) / runs)] as const),
    boundConstant,
  };
  return { row, curve };
}

/** To 0.001: the curves are for plotting, and full doubles would triple the file. */
const round = (value: number) => Math.round(value * 1000) / 1000;

const COLUMNS = [
  "arms",
  "T",
  "algorithm",
  "runs",
  "regret ± se",
  "bound",
  "ratio",
  "best arm",
  "wrong end",
  "locked in",
  "wall",
  "µs/step",
];
/** Wide enough for every row the suite makes, so that rows printed one by one line up. */
const MIN_WIDTHS = [18, 3, 19, 4, 14, 5, 6, 8, 9, 9, 7, 7];

function cells(row: BanditRow): string[] {
  return [
    `[${row.arms.join(", ")}]`,
    row.horizon.toExponential(0).replace("+", ""),
    row.algorithm,
    String(row.runs),
    `${row.meanRegret.toFixed(1)} ± ${row.standardError.toFixed(1)}`,
    row.bound.toFixed(1),
    `${row.ratio.toFixed(2)}×`,
    `${(100 * row.bestShare).toFixed(1)}%`,
    String(row.endedOnWrongArm),
    String(row.lockedIn),
    `${(row.wallMs / 1000).toFixed(1)} s`,
    row.stepMicros.toFixed(1),
  ];
}

/** The rows as an aligned text table (numbers right-aligned), under a header line. */
export function banditTable(rows: readonly BanditRow[]): string {
  const body = [COLUMNS, ...rows.map(cells)];
  const widths = COLUMNS.map((_, c) => Math.max(MIN_WIDTHS[c]!, ...body.map((line) => line[c]!.length)));
  const left = new Set([0, 2]);
  return body
    .map((line) =>
      line.map((cell, c) => (left.has(c) ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  "),
    )
    .join("\n");
}

/** Runs the suite, printing each row as it finishes; writes the results file unless quick. */
export async function runBandits(options: BanditOptions): Promise<BanditReport> {
  const { log } = options;
  const workers = Math.max(1, Math.min(2, availableParallelism()));
  const machine = {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: availableParallelism(),
    os: `${platform()} ${release()}`,
  };
  log(`bandits: ${machine.cpu}, ${machine.cores} cores, Node ${process.version}, ${workers} workers`);
  log(banditTable([]));
  const pool = workerPool(workers);
  const rows: BanditRow[] = [];
  const curves: BanditCurve[] = [];
  const started = performance.now();
  try {
    for (const entry of plan(options)) {
      const points = checkpoints(entry.horizon);
      const rowStarted = performance.now();
      const timed = await Promise.all(
        Array.from({ length: entry.runs }, (_, run) =>
          pool.run({
            algorithm: entry.algorithm,
            means: entry.means,
            horizon: entry.horizon,
            seed: seedOf(entry.set, entry.horizon, run),
            checkpoints: points,
          }),
        ),
      );
      const { row, curve } = summarise(entry, timed, points, performance.now() - rowStarted);
      rows.push(row);
      curves.push(curve);
      log(banditTable([row]).split("\n")[1]!);
    }
  } finally {
    await pool.close();
  }
  const report: BanditReport = {
    suite: "bandits",
    date: new Date().toISOString(),
    machine,
    node: process.version,
    quick: options.quick,
    workers,
    wallMs: performance.now() - started,
    finalWindow: FINAL_WINDOW,
    lockInShare: LOCK_IN_SHARE,
    rows,
    curves,
  };
  if (!options.quick) {
    // Formatted as `npm run format:check` wants it: the file is committed.
    const prettier = await import("prettier");
    const config = await prettier.resolveConfig(RESULTS_FILE);
    mkdirSync(dirname(RESULTS_FILE), { recursive: true });
    writeFileSync(RESULTS_FILE, await prettier.format(JSON.stringify(report), { ...config, filepath: RESULTS_FILE }));
    // The regret curves as a page to look at, drawn by the report the app's results use too.
    const title = `Bandit regret: ${machine.cpu}, Node ${process.version}`;
    writeFileSync(REPORT_FILE, renderReport({ title, regret: curves }));
    log(`wrote ${RESULTS_FILE} and ${REPORT_FILE}`);
  }
  return report;
}
