import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { createExperiments, type ExperimentStore } from "prosper-runtime";
import type { RunningServer, StoreHarness } from "../stores/harness.js";
import { harness as postgresHarness } from "../stores/postgres-harness.js";
import { harness as redisHarness } from "../stores/redis-harness.js";

/**
 * The store benchmark (`npm run bench -- stores`): rewards and picks per second through the
 * client an application uses, on each store with a real server, next to the server's own rate
 * for the nearest raw operation measured in the same run on the same server: `redis-benchmark`
 * running HINCRBY, and `pgbench` running single-row UPDATEs. The goal: rewards at half the raw
 * rate or better, which takes batching (a reward is one atomic step, and many go in one call).
 */

export const STORES_RESULTS_FILE = "test/bench/results/stores.json";

const run = promisify(execFile);

/** How many requests the client keeps in flight, as an app server under load would. */
const IN_FLIGHT = 256;
/** Rewards and picks timed per store. */
const OPERATIONS = 40_000;

export interface StoreRow {
  readonly store: string;
  readonly rewardsPerSecond: number;
  /** `forUnit` + `pick` for units new to the experiment: a read, then an assignment written behind. */
  readonly newUnitPicksPerSecond: number;
  /** `forUnit` + `pick` for units already assigned: a read only. */
  readonly returningPicksPerSecond: number;
  readonly raw: { readonly label: string; readonly perSecond: number };
  /** rewardsPerSecond / raw.perSecond; the goal is at least 0.5. */
  readonly rewardRatio: number;
}

export interface StoresReport {
  readonly suite: "stores";
  readonly date: string;
  readonly machine: { readonly cpu: string; readonly cores: number };
  readonly node: string;
  readonly rows: readonly StoreRow[];
  /** Stores that could not be measured here, and why. */
  readonly skipped: readonly string[];
}

const document = {
  formatVersion: 1,
  kind: "experiment",
  name: "bench",
  salt: "bench",
  algorithm: { kind: "thompson" },
  variants: ["control", "b", "c"].map((name) => ({ name, symbols: { bench: name } })),
};

/** Runs `work(i)` for i in [0, count) with IN_FLIGHT at a time; operations per second. */
async function rate(count: number, work: (index: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < count) await work(next++);
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

async function clientRates(store: ExperimentStore) {
  const errors: unknown[] = [];
  const experiments = createExperiments([document], { store, onError: (error) => errors.push(error) });
  if (!(await experiments.enable("bench"))) throw new Error(`enable failed: ${String(errors[0])}`);
  const unit = (index: number) => `unit-${index}`;
  const newUnitPicks = await rate(OPERATIONS, async (index) => (await experiments.forUnit(unit(index))).pick("bench"));
  await experiments.flush();
  const returningPicks = await rate(OPERATIONS, async (index) =>
    (await experiments.forUnit(unit(index))).pick("bench"),
  );
  let rewarded = 0;
  const rewards = await rate(OPERATIONS, async (index) => {
    if ((await experiments.complete("bench", unit(index), (index % 8) / 8)).rewarded) rewarded++;
  });
  if (errors.length || rewarded !== OPERATIONS)
    throw new Error(`${errors.length} errors (${String(errors[0])}), ${rewarded} of ${OPERATIONS} rewarded`);
  return { newUnitPicks, returningPicks, rewards };
}

/** redis-benchmark's HINCRBY rate: 50 connections, no pipelining, as it runs by default. */
async function redisRaw(connection: { host?: string; port: number }) {
  const { stdout } = await run("redis-benchmark", [
    ...["-h", connection.host ?? "127.0.0.1", "-p", String(connection.port)],
    ...["-c", "50", "-n", "200000", "-q"],
    ...["HINCRBY", "prosper-bench-raw", "field", "1"],
  ]);
  const perSecond = Number(/([\d.]+) requests per second/.exec(stdout)?.[1]);
  return { label: "redis-benchmark HINCRBY (50 connections)", perSecond };
}

/** pgbench's rate for transactions of one single-row UPDATE, on 1,000 rows, from 16 connections. */
async function postgresRaw(connection: { host: string; port: number; user: string; database: string }) {
  const directory = mkdtempSync(join(tmpdir(), "prosper-pgbench-"));
  const target = ["-h", connection.host, "-p", String(connection.port), "-U", connection.user];
  try {
    const setup = join(directory, "setup.sql");
    writeFileSync(
      setup,
      "drop table if exists prosper_bench_raw;" +
        "create table prosper_bench_raw (id int primary key, n bigint not null default 0);" +
        "insert into prosper_bench_raw (id) select generate_series(1, 1000);",
    );
    await run("psql", [...target, "-d", connection.database, "-q", "-f", setup]);
    const script = join(directory, "update.sql");
    writeFileSync(script, "\\set id random(1, 1000)\nupdate prosper_bench_raw set n = n + 1 where id = :id;\n");
    const { stdout } = await run("pgbench", [
      ...target,
      ...["-n", "-c", "16", "-j", "2", "-T", "5", "-f", script, connection.database],
    ]);
    const perSecond = Number(/tps = ([\d.]+)/.exec(stdout)?.[1]);
    return { label: "pgbench single-row UPDATE (16 connections)", perSecond };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** Each store with a server, and the raw operation its rewards are held against. */
const STORES: readonly { harness: StoreHarness; raw: (connection: never) => Promise<StoreRow["raw"]> }[] = [
  { harness: redisHarness, raw: redisRaw },
  { harness: postgresHarness, raw: postgresRaw },
];

export async function runStores(log: (line: string) => void): Promise<StoresReport> {
  const rows: StoreRow[] = [];
  const skipped: string[] = [];
  for (const { harness, raw } of STORES) {
    const { kind } = harness;
    let server: RunningServer | undefined;
    try {
      server = await harness.start();
      if (!server) {
        skipped.push(`${kind}: no server installed here`);
        continue;
      }
      const opened = await server.open("prosper_bench");
      try {
        log(`stores: ${kind}: timing the client...`);
        const client = await clientRates(opened.store);
        log(`stores: ${kind}: timing the raw server...`);
        const baseline = await raw(server.connection as never);
        const row: StoreRow = {
          store: kind,
          rewardsPerSecond: client.rewards,
          newUnitPicksPerSecond: client.newUnitPicks,
          returningPicksPerSecond: client.returningPicks,
          raw: baseline,
          rewardRatio: client.rewards / baseline.perSecond,
        };
        rows.push(row);
        log(storesTable([row]).split("\n")[1]!);
      } finally {
        await opened.close();
      }
    } finally {
      await server?.stop();
    }
  }
  const report: StoresReport = {
    suite: "stores",
    date: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length },
    node: process.version,
    rows,
    skipped,
  };
  const prettier = await import("prettier");
  const config = await prettier.resolveConfig(STORES_RESULTS_FILE);
  mkdirSync(dirname(STORES_RESULTS_FILE), { recursive: true });
  writeFileSync(
    STORES_RESULTS_FILE,
    await prettier.format(JSON.stringify(report), { ...config, filepath: STORES_RESULTS_FILE }),
  );
  return report;
}

const perSecond = (value: number) => Math.round(value).toLocaleString("en-US").padStart(9);

export function storesTable(rows: readonly StoreRow[]): string {
  const header =
    "store      rewards/s  new-unit picks/s  returning picks/s   raw/s  raw                                          rewards ÷ raw";
  return [
    header,
    ...rows.map(
      (row) =>
        `${row.store.padEnd(9)} ${perSecond(row.rewardsPerSecond)}  ${perSecond(row.newUnitPicksPerSecond).padStart(16)}  ${perSecond(row.returningPicksPerSecond).padStart(17)}  ${perSecond(row.raw.perSecond)}  ${row.raw.label.padEnd(44)} ${row.rewardRatio.toFixed(2)}×`,
    ),
  ].join("\n");
}
