import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isMainThread, workerData } from "node:worker_threads";
import { banditTable, banditWorker, RESULTS_FILE, runBandits } from "./bandits.js";
import { runStores, STORES_RESULTS_FILE, storesTable } from "./stores.js";

/**
 * The bench runner: `npm run bench [-- SUITE...] [--json] [--quick] [--long-runs N]`. With no
 * suite it runs them all. `bandits` is test/bench/bandits.ts, `stores` test/bench/stores.ts; `features` is the vitest bench of
 * test/bench/*.bench.ts, run as a child process. `--json` prints one object keyed by suite on
 * stdout instead of tables (progress goes to stderr). Bundled by the `bench` script with the
 * runtime resolved to its TypeScript sources; the bandits' worker threads re-enter this same file.
 */

const SUITES = ["bandits", "stores", "features"] as const;
type Suite = (typeof SUITES)[number];

const USAGE = `usage: npm run bench -- [${SUITES.join("|")}]... [--json] [--quick] [--long-runs N]
  --json         print the results as JSON on stdout
  --quick        bandits: 20 runs at T = 1e4 only (a smoke run; results are not written)
  --long-runs N  bandits: runs per row at T = 1e5 (default 20, at least 20)`;

interface Arguments {
  readonly suites: readonly Suite[];
  readonly json: boolean;
  readonly quick: boolean;
  readonly longRuns: number;
}

function parse(args: readonly string[]): Arguments | string {
  const suites: Suite[] = [];
  let json = false;
  let quick = false;
  let longRuns = 20;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--json") json = true;
    else if (arg === "--quick") quick = true;
    else if (arg === "--long-runs") {
      longRuns = Number(args[++i]);
      if (!Number.isInteger(longRuns) || longRuns < 20) return `--long-runs: expected an integer ≥ 20, got ${args[i]}`;
    } else if ((SUITES as readonly string[]).includes(arg)) suites.push(arg as Suite);
    else return `unknown argument ${JSON.stringify(arg)}`;
  }
  return { suites: suites.length ? suites : SUITES, json, quick, longRuns };
}

/** The vitest bench, as `npm run bench` ran it before there were other suites; its JSON report in --json mode. */
async function runFeatures(json: boolean): Promise<{ ok: boolean; report?: unknown }> {
  const directory = json ? mkdtempSync(join(tmpdir(), "prosper-bench-")) : undefined;
  const output = directory && join(directory, "features.json");
  const args = [
    "vitest",
    "bench",
    "--run",
    "--config",
    "vitest.config.ts",
    ...(output ? ["--outputJson", output] : []),
  ];
  // In --json mode stdout is the JSON: vitest's own output goes to stderr.
  const child = spawn("npx", args, { stdio: ["ignore", json ? 2 : "inherit", "inherit"] });
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  try {
    return { ok: code === 0, ...(output ? { report: JSON.parse(readFileSync(output, "utf8")) } : {}) };
  } catch {
    return { ok: false };
  } finally {
    if (directory) rmSync(directory, { recursive: true, force: true });
  }
}

async function main(args: readonly string[]): Promise<number> {
  const parsed = parse(args);
  if (typeof parsed === "string") {
    console.error(`${parsed}\n${USAGE}`);
    return 1;
  }
  const { suites, json, quick, longRuns } = parsed;
  const log = (line: string) => (json ? console.error(line) : console.log(line));
  const results: Record<string, unknown> = {};
  let ok = true;
  for (const suite of suites) {
    if (suite === "bandits") {
      const report = await runBandits({ quick, longRuns, log });
      results[suite] = report;
      if (!json) {
        console.log(`\n${banditTable(report.rows)}`);
        console.log(`\nbandits: ${(report.wallMs / 1000).toFixed(1)} s wall`);
        console.log(quick ? "quick run: results not written" : `written to ${RESULTS_FILE}`);
      }
    } else if (suite === "stores") {
      const report = await runStores(log);
      results[suite] = report;
      if (!json) {
        console.log(`\n${storesTable(report.rows)}`);
        for (const reason of report.skipped) console.log(`stores: skipped ${reason}`);
        console.log(`written to ${STORES_RESULTS_FILE}`);
      }
    } else {
      const features = await runFeatures(json);
      ok &&= features.ok;
      results[suite] = features.report ?? { error: "vitest bench failed" };
    }
  }
  if (json) console.log(JSON.stringify(results, null, 2));
  return ok ? 0 : 1;
}

if (isMainThread) {
  process.exitCode = await main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error);
    return 1;
  });
} else if ((workerData as { suite?: string } | undefined)?.suite === "bandits") {
  banditWorker();
}
