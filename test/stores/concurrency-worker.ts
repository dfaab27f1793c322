import { createExperiments, type ArmStats, type Reason } from "prosper-runtime";
import { experimentDoc } from "../support/experiment-store.js";
import type { OpenedStore } from "./harness.js";

/**
 * One of the concurrency test's child processes, bundled with a harness module's `openStore`
 * (see concurrency.test.ts): it opens the store, says it is ready, waits for the word to go so
 * that every child starts at the same moment, runs its task through the real client, and reports
 * what the client acknowledged.
 */

export const REWARDS_EXPERIMENT = "concurrent-rewards";
export const ASSIGNMENTS_EXPERIMENT = "concurrent-assignments";
export const VARIANTS = ["control", "a", "b", "c"] as const;

/** The documents both sides use: rewards learn by Thompson sampling; assignments choose by worker. */
export const rewardsDoc = experimentDoc(REWARDS_EXPERIMENT, VARIANTS, { kind: "thompson" });
export const assignmentsDoc = experimentDoc(ASSIGNMENTS_EXPERIMENT, VARIANTS, { kind: "custom", name: "by-worker" });

export interface Task {
  readonly task: "rewards" | "assignments";
  readonly connection: unknown;
  readonly namespace: string;
  readonly worker: number;
  /** Units to reward (each its own), or users to assign (the same ones in every worker). */
  readonly units: number;
  /** Units in flight at a time. */
  readonly inFlight: number;
}

/** A reward's score: exactly representable in binary, so that sums can be compared exactly. */
export const scoreOf = (unit: number) => (unit % 9) / 8;
/** The client draws Bernoulli(score) successes with random() = 0.5: a score above a half succeeds. */
export const successOf = (score: number) => (score > 0.5 ? 1 : 0);

export interface WorkerReport {
  readonly worker: number;
  readonly sent: number;
  /** Completions the client answered `rewarded: true`, and their totals by variant. */
  readonly acknowledged: number;
  readonly rewarded: { readonly [variant: string]: ArmStats };
  /** Assignments the store said this worker stored (exposures), by variant. */
  readonly stored: { readonly [variant: string]: number };
  /** Assignments task: the variant `assign` answered for each user, in order. */
  readonly answers: readonly string[];
  readonly reasons: { readonly [reason in Reason]?: number };
  /** What went to onError (the first few) and how many. */
  readonly errors: readonly string[];
  readonly errorCount: number;
  readonly elapsedMs: number;
}

export type WorkerMessage =
  | { readonly type: "ready" }
  | { readonly type: "done"; readonly report: WorkerReport }
  | { readonly type: "failed"; readonly error: string };

type OpenStore = (connection: unknown, namespace: string) => Promise<OpenedStore>;

const send = (message: WorkerMessage) =>
  new Promise<void>((resolve, reject) =>
    process.send!(message, undefined, {}, (error) => (error ? reject(error) : resolve())),
  );

const go = () =>
  new Promise<void>((resolve) =>
    process.on("message", (message: { type?: string }) => {
      if (message?.type === "go") resolve();
    }),
  );

/** Runs `count` jobs, `inFlight` at a time. */
async function lanes(count: number, inFlight: number, job: (index: number) => Promise<void>) {
  let next = 0;
  const lane = async () => {
    while (next < count) await job(next++);
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, lane));
}

async function run(openStore: OpenStore, task: Task): Promise<WorkerReport> {
  const opened = await openStore(task.connection, task.namespace);
  const errors: string[] = [];
  let errorCount = 0;
  const stored: Record<string, number> = {};
  const client = createExperiments([rewardsDoc, assignmentsDoc], {
    store: opened.store,
    // The test is of exact counts under contention, not of timeouts: 16 processes on two cores can be slow.
    storeTimeoutMs: 60_000,
    random: () => 0.5,
    algorithms: { "by-worker": { choose: (arms) => task.worker % arms.length } },
    onError: (error, where) => {
      if (errorCount++ < 10) errors.push(`${where}: ${error instanceof Error ? error.message : String(error)}`);
    },
    onExposure: ({ variant }) => void (stored[variant] = (stored[variant] ?? 0) + 1),
  });
  const rewarded: Record<string, { assigned: number; count: number; sum: number; successes: number }> = {};
  const reasons: Partial<Record<Reason, number>> = {};
  const answers: string[] = [];
  let acknowledged = 0;
  const count = (reason: Reason) => void (reasons[reason] = (reasons[reason] ?? 0) + 1);

  // Connected and warmed before the start, as many connections as a pool may open for the units in
  // flight, so that the start is the same moment for every worker and no connection is opened under load.
  await Promise.all(Array.from({ length: task.inFlight }, () => client.isEnabled(REWARDS_EXPERIMENT)));
  await send({ type: "ready" });
  await go();
  const started = performance.now();
  if (task.task === "rewards")
    await lanes(task.units, task.inFlight, async (index) => {
      const unit = `w${task.worker}-u${index}`;
      // Half through `assign`, half through `forUnit` and a pick written behind.
      const assignment =
        index % 2
          ? (await client.forUnit(unit)).assignment(REWARDS_EXPERIMENT)
          : await client.assign(REWARDS_EXPERIMENT, unit);
      count(assignment.reason);
      const score = scoreOf(index);
      const result = await client.complete(REWARDS_EXPERIMENT, unit, score);
      if (!result.rewarded) return;
      acknowledged++;
      const arm = (rewarded[result.variant!] ??= { assigned: 0, count: 0, sum: 0, successes: 0 });
      arm.count++;
      arm.sum += score;
      arm.successes += successOf(score);
    });
  else
    await lanes(task.units, task.inFlight, async (index) => {
      const assignment = await client.assign(ASSIGNMENTS_EXPERIMENT, `user-${index}`);
      count(assignment.reason);
      answers[index] = assignment.variant;
    });
  const elapsedMs = performance.now() - started;
  await client.flush();
  await opened.close();
  return {
    worker: task.worker,
    sent: task.task === "rewards" ? task.units : 0,
    acknowledged,
    rewarded,
    stored,
    answers,
    reasons,
    errors,
    errorCount,
    elapsedMs,
  };
}

/** The child's main: the task is its one argument, in JSON. */
export function runWorker(openStore: OpenStore) {
  const task = JSON.parse(process.argv[2]!) as Task;
  run(openStore, task)
    .then(
      (report) => send({ type: "done", report }),
      (error: unknown) =>
        send({ type: "failed", error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    )
    .finally(() => process.disconnect());
}
