import { isMainThread, workerData } from "node:worker_threads";
import { banditTable, banditWorker, RESULTS_FILE, runBandits } from "./bandits.js";
import { runStores, STORES_RESULTS_FILE, storesTable } from "./stores.js";
import { coldStartSuite } from "./cold-start.js";
import { evaluationSuite } from "./evaluation.js";
import { runReported } from "./report-common.js";
import { sizeSuite } from "./size.js";
import { COMPILE_RESULTS_FILE, compileTable, runCompileBench } from "./compile.js";

/**
 * The bench runner: `npm run bench [-- SUITE...] [--json] [--quick] [--long-runs N]`. With no
 * suite it runs them all. `bandits` is test/bench/bandits.ts, `stores` test/bench/stores.ts;
 * `evaluation`, `size` and `cold-start` are test/bench/evaluation.ts, size.ts and cold-start.ts.
 * `--json` prints one object keyed by suite on stdout instead of tables (progress goes to stderr).
 * Bundled by the `bench` script with the runtime resolved to its TypeScript sources; the bandits'
 * worker threads re-enter this same file.
 */

// stores last: it needs servers, and a store that hangs on shutdown should not cost the others.
const SUITES = ["bandits", "compile", "evaluation", "size", "cold-start", "stores"] as const;
type Suite = (typeof SUITES)[number];

const USAGE = `usage: npm run bench -- [${SUITES.join("|")}]... [--json] [--quick] [--long-runs N]
  --json         print the results as JSON on stdout
  --quick        a smoke run, results not written: bandits 20 runs at T = 1e4 only; evaluation 1e5
                 users; cold-start 3 processes each
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
    } else if (suite === "compile") {
      const report = await runCompileBench(log);
      results[suite] = report;
      if (!json)
        console.log(`\n${compileTable(report)}${report.written ? `\nwritten to ${COMPILE_RESULTS_FILE}` : ""}`);
    } else if (suite === "stores") {
      const report = await runStores(log);
      results[suite] = report;
      if (!json) {
        console.log(`\n${storesTable(report.rows)}`);
        for (const reason of report.skipped) console.log(`stores: skipped ${reason}`);
        console.log(`written to ${STORES_RESULTS_FILE}`);
      }
    } else {
      // evaluation, size, cold-start: each writes its results file, and a failure fails the run, not the others.
      const options = { quick, log };
      const { report, text } =
        suite === "evaluation"
          ? await runReported(evaluationSuite, options)
          : suite === "size"
            ? await runReported(sizeSuite, options)
            : await runReported(coldStartSuite, options);
      results[suite] = report;
      if (report.error) {
        ok = false;
        console.error(`${suite}: FAILED: ${report.error}`);
      }
      if (!json) console.log(`\n${text}`);
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
