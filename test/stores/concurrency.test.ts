import { build, type Plugin } from "esbuild";
import { fork, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ArmStats } from "prosper-runtime";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  ASSIGNMENTS_EXPERIMENT,
  REWARDS_EXPERIMENT,
  scoreOf,
  successOf,
  VARIANTS,
  type Task,
  type WorkerMessage,
  type WorkerReport,
} from "./concurrency-worker.js";
import { exclusiveServer, freshNamespace, harnesses } from "./harnesses.js";

/**
 * Many processes sharing one store: 16 worker processes, started at the same moment, reward
 * 10,000 units each in one experiment, and the stored counts and sums must be exactly what the
 * clients were told was stored; then 16 processes assign the same 1,000 users at once and must
 * agree on one variant per user. Each worker is a real client (createExperiments) in a child
 * process of its own, bundled with its kind's harness module.
 */

const WORKERS = 16;
const REWARDS_PER_WORKER = 10_000;
const USERS = 1_000;
/** Units in flight in each worker: enough for batched writes, few enough for two cores. */
const IN_FLIGHT = 64;

const root = fileURLToPath(new URL("../..", import.meta.url));
const workerSource = fileURLToPath(new URL("./concurrency-worker.ts", import.meta.url));

/** Bare imports other than the runtime (client libraries, node built-ins) load from node_modules at run time. */
const packagesExternal: Plugin = {
  name: "packages-external",
  setup(plugin) {
    plugin.onResolve({ filter: /^[^./]/ }, ({ path }) =>
      path === "prosper-runtime" || path.startsWith("prosper-runtime/") || path.startsWith("#")
        ? undefined
        : { path, external: true },
    );
  },
};

/** A child's main for `kind`: the worker with its harness module's `openStore`, in one ESM file. */
async function bundleWorker(folder: string, kind: string, harnessModule: string) {
  const outfile = join(folder, `${kind}-worker.mjs`);
  await build({
    stdin: {
      contents: [
        `import { openStore } from ${JSON.stringify(harnessModule)};`,
        `import { runWorker } from ${JSON.stringify(workerSource)};`,
        "runWorker(openStore);",
      ].join("\n"),
      resolveDir: folder,
      loader: "ts",
      sourcefile: `${kind}-worker-main.ts`,
    },
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    conditions: ["prosper-source"],
    plugins: [packagesExternal],
    logLevel: "warning",
  });
  return outfile;
}

/**
 * Forks one child per task, waits until every one is ready, then tells them all to go at once.
 * Gives their reports; rejects with a child's error and stderr if one fails or exits early.
 */
async function runWorkers(bundle: string, tasks: readonly Task[]): Promise<WorkerReport[]> {
  const children: ChildProcess[] = [];
  try {
    const ready: Promise<void>[] = [];
    const reports: Promise<WorkerReport>[] = [];
    for (const task of tasks) {
      const child = fork(bundle, [JSON.stringify(task)], { cwd: root, stdio: ["ignore", "inherit", "pipe", "ipc"] });
      children.push(child);
      let stderr = "";
      child.stderr!.on("data", (chunk: Buffer) => void (stderr += chunk.toString()));
      const failure = (why: string) => new Error(`worker ${task.worker} ${why}\n${stderr}`);
      let isReady!: () => void;
      let failed!: (error: Error) => void;
      ready.push(new Promise((resolve, reject) => ((isReady = resolve), (failed = reject))));
      reports.push(
        new Promise((resolve, reject) => {
          child.on("message", (message: WorkerMessage) => {
            if (message.type === "ready") isReady();
            else if (message.type === "done") resolve(message.report);
            else {
              failed(failure(`failed: ${message.error}`));
              reject(failure(`failed: ${message.error}`));
            }
          });
          // A failed fork, or a message to a child that has gone.
          child.on("error", (error) => {
            failed(failure(`failed: ${error.message}`));
            reject(failure(`failed: ${error.message}`));
          });
          child.on("exit", (code, signal) => {
            const early = failure(`exited (${signal ?? code}) before reporting`);
            failed(early);
            reject(early);
          });
        }),
      );
    }
    // Whichever fails first: a child that dies before it is ready must not leave the others waiting.
    await Promise.race([Promise.all(ready), Promise.all(reports)]);
    for (const child of children) child.send({ type: "go" });
    return await Promise.all(reports);
  } finally {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
}

/** A worker's error message with its unit ids left out, so that the same failure reads the same for every unit. */
const anonymous = (error: string) => error.replace(/"(user-\d+|w\d+-u\d+)"/g, "<unit>");

/** How many failures the workers' onError was told of, and the distinct ones among the first few. */
const errorsOf = (reports: readonly WorkerReport[]) => ({
  count: reports.reduce((total, report) => total + report.errorCount, 0),
  distinct: [...new Set(reports.flatMap((report) => report.errors.map(anonymous)))].join("\n"),
});

const add = (into: Record<string, ArmStats>, variant: string, arm: Partial<ArmStats>) => {
  const was = into[variant] ?? { assigned: 0, count: 0, sum: 0, successes: 0 };
  into[variant] = {
    assigned: was.assigned + (arm.assigned ?? 0),
    count: was.count + (arm.count ?? 0),
    sum: was.sum + (arm.sum ?? 0),
    successes: was.successes + (arm.successes ?? 0),
  };
};

let folder = "";

beforeAll(async () => {
  await mkdir(join(root, "node_modules/.cache"), { recursive: true });
  // Under node_modules, so that the client libraries the bundles leave out resolve from there.
  folder = await mkdtemp(join(root, "node_modules/.cache/prosper-store-workers-"));
});

afterAll(async () => {
  if (folder) await rm(folder, { recursive: true, force: true });
});

for (const { kind, harness, module, noServer } of harnesses) {
  if (noServer) console.warn(`SKIPPED the ${kind} store concurrency test: ${noServer}`);
  describe.skipIf(noServer)(`${kind} store: ${WORKERS} processes at once`, () => {
    let bundle = "";
    const server = exclusiveServer({ kind, harness }, "concurrency", async () => {
      bundle = await bundleWorker(folder, kind, module);
    });

    test(`${WORKERS} × ${REWARDS_PER_WORKER.toLocaleString("en")} rewards in one experiment: stored counts and sums are exact`, async () => {
      const namespace = freshNamespace(`rewards_${kind}`);
      const { store, close } = await server().open(namespace);
      try {
        await store.enable(REWARDS_EXPERIMENT);
        const started = performance.now();
        const reports = await runWorkers(
          bundle,
          Array.from({ length: WORKERS }, (_, worker) => ({
            task: "rewards",
            connection: server().connection,
            namespace,
            worker,
            units: REWARDS_PER_WORKER,
            inFlight: IN_FLIGHT,
          })),
        );
        const elapsed = performance.now() - started;
        const [stats] = await store.readStats([REWARDS_EXPERIMENT]);
        const expected: Record<string, ArmStats> = {};
        let sent = 0;
        let acknowledged = 0;
        for (const report of reports) {
          sent += report.sent;
          acknowledged += report.acknowledged;
          for (const [variant, arm] of Object.entries(report.rewarded)) add(expected, variant, arm);
          for (const [variant, assigned] of Object.entries(report.stored)) add(expected, variant, { assigned });
        }
        const counted = Object.values(stats ?? {}).reduce((total, arm) => total + arm.count, 0);
        const slowest = Math.max(...reports.map((report) => report.elapsedMs));
        console.info(
          `${kind}: ${WORKERS} processes × ${REWARDS_PER_WORKER} rewards: sent ${sent}, acknowledged ${acknowledged},` +
            ` counted ${counted}; ${(elapsed / 1000).toFixed(1)} s in all (slowest worker ${(slowest / 1000).toFixed(1)} s,` +
            ` ${Math.round(sent / (slowest / 1000))} rewards/s); ${errorsOf(reports).count} errors reported`,
        );
        expect(errorsOf(reports).count, errorsOf(reports).distinct).toBe(0);
        expect(sent).toBe(WORKERS * REWARDS_PER_WORKER);
        expect(acknowledged).toBe(sent);
        expect(counted).toBe(acknowledged);
        // Each unit's score and success are known, so the totals are known before any variant is.
        let sum = 0;
        let successes = 0;
        for (let unit = 0; unit < REWARDS_PER_WORKER; unit++) {
          sum += WORKERS * scoreOf(unit);
          successes += WORKERS * successOf(scoreOf(unit));
        }
        expect(Object.values(expected).reduce((total, arm) => total + arm.sum, 0)).toBe(sum);
        // Exactly, variant by variant: every score is a multiple of 1/8, and so is every partial sum.
        const storedStats = Object.fromEntries(
          VARIANTS.filter((variant) => stats?.[variant]).map((variant) => [variant, { ...stats![variant]! }]),
        );
        expect(storedStats).toEqual(expected);
        expect(Object.values(storedStats).reduce((total, arm) => total + arm.successes, 0)).toBe(successes);
        expect(Object.values(storedStats).reduce((total, arm) => total + arm.assigned, 0)).toBe(sent);
        // Every unit's assignment was taken by its completion.
        const leftover = await store.readUnit("w0-u0", [REWARDS_EXPERIMENT], []);
        expect(leftover.experiments[0]).toEqual({ enabled: true, variant: undefined });
      } finally {
        await close();
      }
    }, 180_000);

    test(`${WORKERS} processes assigning the same ${USERS.toLocaleString("en")} users at once agree on one variant per user`, async () => {
      const namespace = freshNamespace(`agree_${kind}`);
      const { store, close } = await server().open(namespace);
      try {
        await store.enable(ASSIGNMENTS_EXPERIMENT);
        const started = performance.now();
        const reports = await runWorkers(
          bundle,
          Array.from({ length: WORKERS }, (_, worker) => ({
            task: "assignments",
            connection: server().connection,
            namespace,
            worker,
            units: USERS,
            inFlight: IN_FLIGHT,
          })),
        );
        const elapsed = performance.now() - started;
        expect(errorsOf(reports).count, errorsOf(reports).distinct).toBe(0);
        for (const report of reports) expect(report.reasons).toEqual({ SPLIT: USERS });
        const stored = await Promise.all(
          Array.from(
            { length: USERS },
            async (_, user) =>
              (await store.readUnit(`user-${user}`, [ASSIGNMENTS_EXPERIMENT], [])).experiments[0]!.variant,
          ),
        );
        let disagreements = 0;
        for (let user = 0; user < USERS; user++) {
          const answers = new Set(reports.map((report) => report.answers[user]));
          if (answers.size !== 1 || !answers.has(stored[user]!)) disagreements++;
        }
        // Each worker proposes its own variant (worker mod 4): which one the store kept is the race's.
        const kept = VARIANTS.map((variant) => stored.filter((each) => each === variant).length);
        const exposures = reports.reduce(
          (total, report) => total + Object.values(report.stored).reduce((sum, count) => sum + count, 0),
          0,
        );
        const [stats] = await store.readStats([ASSIGNMENTS_EXPERIMENT]);
        const assigned = Object.values(stats ?? {}).reduce((total, arm) => total + arm.assigned, 0);
        console.info(
          `${kind}: ${WORKERS} processes × ${USERS} users assigned at once: ${disagreements} disagreements;` +
            ` stored ${VARIANTS.map((variant, index) => `${variant} ${kept[index]}`).join(", ")};` +
            ` assigned ${assigned}, exposures ${exposures}; ${(elapsed / 1000).toFixed(1)} s;` +
            ` ${errorsOf(reports).count} errors reported`,
        );
        expect(disagreements).toBe(0);
        expect(stored.every((variant) => variant !== undefined)).toBe(true);
        expect(assigned).toBe(USERS);
        expect(exposures).toBe(USERS);
        for (const variant of VARIANTS) expect(stats?.[variant]?.assigned ?? 0).toBe(kept[VARIANTS.indexOf(variant)]);
      } finally {
        await close();
      }
    }, 180_000);
  });
}
