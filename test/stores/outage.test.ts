import { createExperiments, memoryStore, type Assignment, type ExperimentStore } from "prosper-runtime";
import { describe, expect, test } from "vitest";
import { experimentDoc } from "../support/experiment-store.js";
import type { RunningServer } from "./harness.js";
import { exclusiveServer, freshNamespace, harnesses } from "./harnesses.js";

/**
 * An outage while requests flow: the server is killed (SIGKILL) under a steady stream of picks,
 * assignments and completions, stays down for two seconds and comes back. While it is down every
 * call returns within the store timeout with the deterministic fallback, nothing throws, and every
 * failure goes to onError; once it is back the flow recovers by itself, and no reward the client
 * acknowledged as stored is missing from the store.
 *
 * A killed server refuses connections, so every call fails at once. A server that stops answering
 * (SIGSTOP: its connections stay open, what is sent to it waits unanswered) is the other outage,
 * the one only the store timeout ends: the second test freezes the server for two seconds under
 * many calls in flight, and expects the same of the runtime, every call bounded by the timeout.
 */

const EXPERIMENT = "outage";
const VARIANTS = ["control", "a", "b"];
// Thompson sampling, so that the flow's reads carry statistics too.
const doc = experimentDoc(EXPERIMENT, VARIANTS, { kind: "thompson" });
const TIMEOUT_MS = 300;
/** What a loaded two-core machine may add to a call's time: timers firing late, the event loop busy. */
const SLACK_MS = 250;
const DOWN_MS = 2000;
const LANES = 8;
/** The hung server: this many calls in flight at once, each waiting on it until the timeout. */
const HUNG_LANES = 64;
/**
 * The most any call started while the server is frozen may take, on a loaded two-core machine too:
 * two store calls in a row (a completion waits for the assignment writes before it), with slack.
 */
const HUNG_BOUND_MS = 800;

type Operation = "forUnit" | "assign" | "complete";

interface Observed {
  readonly operation: Operation;
  readonly unit: string;
  readonly start: number;
  readonly end: number;
  readonly reason?: string;
  readonly variant?: string | undefined;
  readonly rewarded?: boolean;
  /** A completion that failed in the store, as opposed to one with nothing to complete. */
  readonly storeFailed?: boolean;
}

/** A store that works for `enable` only: a client over it serves exactly the fallback an outage serves. */
const enabledThenDown = (): ExperimentStore => {
  const base = memoryStore();
  const down = () => Promise.reject(new Error("down"));
  return {
    enable: (name) => base.enable(name),
    isEnabled: down,
    disable: down,
    readUnit: down,
    assign: down,
    complete: down,
    readStats: down,
  };
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const max = (values: readonly number[]) => values.reduce((top, value) => Math.max(top, value), 0);
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

type Experiments = ReturnType<typeof createExperiments>;

interface Report {
  readonly at: number;
  readonly where: string;
  readonly error: unknown;
}

/**
 * The failed calls a report stands for: the assignments served in the same tick are written in
 * one batch, whose failure is reported once, as "assign(<n> assignments)", and fails each of them.
 */
const failedCalls = (reports: readonly Report[]) =>
  reports.reduce((total, { where }) => total + Number(/^assign\((\d+) assignments\)$/.exec(where)?.[1] ?? 1), 0);

/** A client over `store` with the suite's timeout, and the failures it reports. */
function clientOver(store: ExperimentStore) {
  const reports: Report[] = [];
  const client = createExperiments([doc], {
    store,
    storeTimeoutMs: TIMEOUT_MS,
    onError: (error, where) => reports.push({ at: performance.now(), where, error }),
  });
  return { client, reports };
}

/** Anything that escapes to the application, or past it to the process, until `release`. */
function guard() {
  const escaped: unknown[] = [];
  const escape = (error: unknown) => void escaped.push(error);
  process.on("unhandledRejection", escape);
  process.on("uncaughtException", escape);
  const release = () => {
    process.off("unhandledRejection", escape);
    process.off("uncaughtException", escape);
  };
  return { escaped, escape, release };
}

/**
 * `lanes` loops, each a unit at a time: a pick (forUnit, or assign for every other unit), then,
 * for two units in three, a completion. Every call is timed and what it answered kept.
 */
function startFlow(client: Experiments, lanes: number, escape: (error: unknown) => void) {
  const observed: Observed[] = [];
  /** Units assigned through `assign` (acknowledged: SPLIT) and never completed: their assignments must survive. */
  const kept: { unit: string; variant: string }[] = [];
  const counts = { attempted: 0, units: 0 };
  let flowing = true;

  const lane = async () => {
    while (flowing) {
      const index = counts.units++;
      const unit = `unit-${index}`;
      const viaAssign = index % 2 === 1;
      let assignment: Assignment | undefined;
      let start = performance.now();
      try {
        if (viaAssign) assignment = await client.assign(EXPERIMENT, unit);
        else {
          const picks = await client.forUnit(unit);
          picks.pick("outage.value");
          assignment = picks.assignment(EXPERIMENT);
        }
        const end = performance.now();
        observed.push({
          operation: viaAssign ? "assign" : "forUnit",
          unit,
          start,
          end,
          reason: assignment.reason,
          variant: assignment.variant,
        });
        if (index % 3 === 0) {
          if (viaAssign && assignment.reason === "SPLIT") kept.push({ unit, variant: assignment.variant });
        } else {
          counts.attempted++;
          start = performance.now();
          const result = await client.complete(EXPERIMENT, unit, 0.5);
          observed.push({
            operation: "complete",
            unit,
            start,
            end: performance.now(),
            rewarded: result.rewarded,
            variant: result.variant,
            storeFailed: !result.rewarded && / failed: /.test(result.message ?? ""),
          });
        }
      } catch (error) {
        escape(error);
      }
      await sleep(2);
    }
  };

  const running = Promise.all(Array.from({ length: lanes }, lane));
  return {
    observed,
    kept,
    counts,
    /** Ends every lane after its current unit. */
    stop: async () => {
      flowing = false;
      await running;
    },
  };
}

type Flow = ReturnType<typeof startFlow>;

/** When the first pick or assignment started after `since` was served from the store again (SPLIT); waits up to 20 s. */
async function recovery(observed: readonly Observed[], since: number): Promise<number | undefined> {
  let recoveredAt: number | undefined;
  while (recoveredAt === undefined && performance.now() - since < 20_000) {
    await sleep(50);
    recoveredAt = observed.find(
      (seen) => seen.start >= since && seen.operation !== "complete" && seen.reason === "SPLIT",
    )?.end;
  }
  return recoveredAt;
}

/** The rewards the store counted, per variant and in all. */
async function countedIn(store: ExperimentStore) {
  const [stats = {}] = await store.readStats([EXPERIMENT]);
  return { stats, counted: Object.values(stats).reduce((total, arm) => total + arm.count, 0) };
}

/** Whole counts, current variants only, no acknowledged reward or assignment lost. */
async function expectConsistent(store: ExperimentStore, flow: Flow) {
  const { observed, kept, counts } = flow;
  const { stats, counted } = await countedIn(store);
  for (const [variant, arm] of Object.entries(stats)) {
    expect(VARIANTS).toContain(variant);
    for (const field of ["assigned", "count", "successes"] as const) expect(Number.isInteger(arm[field])).toBe(true);
    expect(arm.successes).toBeLessThanOrEqual(arm.count);
    expect(arm.sum).toBe(arm.count * 0.5);
    expect(arm.count, `${variant}: more rewards than assignments`).toBeLessThanOrEqual(arm.assigned);
    const acknowledgedHere = observed.filter((seen) => seen.rewarded && seen.variant === variant).length;
    expect(arm.count, `${variant}: acknowledged rewards lost`).toBeGreaterThanOrEqual(acknowledgedHere);
  }
  expect(counted).toBeGreaterThanOrEqual(observed.filter((seen) => seen.rewarded).length);
  expect(counted).toBeLessThanOrEqual(counts.attempted);
  const units = Array.from({ length: counts.units }, (_, index) => `unit-${index}`);
  const stored = new Map<string, string | undefined>();
  for (let from = 0; from < units.length; from += 64)
    await Promise.all(
      units.slice(from, from + 64).map(async (unit) => {
        const read = await store.readUnit(unit, [EXPERIMENT], []);
        stored.set(unit, read.experiments[0]!.variant);
      }),
    );
  for (const [unit, variant] of stored) if (variant !== undefined) expect(VARIANTS, unit).toContain(variant);
  const lost = kept.filter(({ unit, variant }) => stored.get(unit) !== variant);
  expect(lost, "acknowledged assignments lost").toEqual([]);
}

/** A client whose store fails all but `enable`: it serves, for a unit, exactly the fallback an outage serves. */
async function fallbackReference() {
  const reference = createExperiments([doc], { store: enabledThenDown(), onError: () => {} });
  expect(await reference.enable(EXPERIMENT)).toBe(true);
  return reference;
}

async function outage(server: RunningServer, kind: string) {
  const namespace = freshNamespace(`outage_${kind}`);
  const opened = await server.open(namespace);
  const { client, reports } = clientOver(opened.store);
  const reference = await fallbackReference();
  const { escaped, escape, release } = guard();
  let flow: Flow | undefined;

  try {
    expect(await client.enable(EXPERIMENT)).toBe(true);
    flow = startFlow(client, LANES, escape);
    const { observed, counts } = flow;
    await sleep(1000);
    const killAt = performance.now();
    await server.kill();
    const killedAt = performance.now();
    await sleep(DOWN_MS);
    const restartAt = performance.now();
    await server.restart();
    const restartedAt = performance.now();
    // Recovered: a pick or an assignment started after the restart served from the store again.
    const recoveredAt = await recovery(observed, restartedAt);
    await sleep(1000);
    await flow.stop();
    await client.flush();

    const during = observed.filter((seen) => seen.start >= killedAt && seen.end <= restartAt);
    const picksDuring = during.filter((seen) => seen.operation !== "complete");
    const completesDuring = during.filter((seen) => seen.operation === "complete");
    const reportedDuring = reports.filter((report) => report.at >= killedAt && report.at <= restartAt);
    const acknowledged = observed.filter((seen) => seen.rewarded).length;
    const { counted } = await countedIn(opened.store);
    const settled = recoveredAt === undefined ? [] : observed.filter((seen) => seen.start >= recoveredAt + 1000);
    console.info(
      `${kind} outage: killed in ${(killedAt - killAt).toFixed(0)} ms, down ${(restartAt - killedAt).toFixed(0)} ms,` +
        ` restarted in ${(restartedAt - restartAt).toFixed(0)} ms; during the outage ${picksDuring.length} picks/assigns` +
        ` (max ${max(picksDuring.map((seen) => seen.end - seen.start)).toFixed(0)} ms, ` +
        `${picksDuring.filter((seen) => seen.reason === "ERROR").length} ERROR) and ${completesDuring.length} completes` +
        ` (max ${max(completesDuring.map((seen) => seen.end - seen.start)).toFixed(0)} ms), ${reportedDuring.length}` +
        ` errors reported; max latency overall ${max(observed.map((seen) => seen.end - seen.start)).toFixed(0)} ms;` +
        ` recovered ${recoveredAt === undefined ? "never" : `${(recoveredAt - restartedAt).toFixed(0)} ms after the restart`};` +
        ` rewards attempted ${counts.attempted}, acknowledged ${acknowledged}, counted ${counted}; ${observed.length} calls in all`,
    );

    expect(escaped).toEqual([]);
    // Before the outage, the store served.
    const before = observed.filter((seen) => seen.end < killAt);
    expect(before.filter((seen) => seen.operation !== "complete").length).toBeGreaterThan(50);
    expect(before.filter((seen) => seen.reason === "ERROR" || seen.storeFailed)).toEqual([]);

    // While down: within the timeout, the deterministic fallback, every failure reported.
    expect(picksDuring.length).toBeGreaterThan(LANES);
    for (const seen of picksDuring) {
      expect(seen.end - seen.start, `${seen.operation}(${seen.unit}) took too long`).toBeLessThanOrEqual(
        TIMEOUT_MS + SLACK_MS,
      );
      expect(seen.reason, `${seen.operation}(${seen.unit})`).toBe("ERROR");
      expect(seen.variant, `${seen.operation}(${seen.unit})`).toBe(
        (await reference.assign(EXPERIMENT, seen.unit)).variant,
      );
    }
    for (const seen of completesDuring) {
      // A completion waits for writes queued before it, each bounded by the timeout too.
      expect(seen.end - seen.start, `complete(${seen.unit}) took too long`).toBeLessThanOrEqual(
        2 * TIMEOUT_MS + SLACK_MS,
      );
      expect(seen.rewarded).toBe(false);
    }
    // Anywhere, a call makes at most two store calls in a row (a read then a write, or a write then a completion).
    for (const seen of observed)
      expect(seen.end - seen.start, `${seen.operation}(${seen.unit}) took too long`).toBeLessThanOrEqual(
        2 * TIMEOUT_MS + SLACK_MS,
      );
    const failures = observed.filter((seen) => seen.reason === "ERROR" || seen.storeFailed).length;
    expect(failedCalls(reports)).toBeGreaterThanOrEqual(failures);
    expect(reportedDuring.length).toBeGreaterThanOrEqual(picksDuring.length);
    for (const report of reports) {
      expect(report.where).toMatch(/^(forUnit|assign|complete)\(/);
      expect(report.error).toBeInstanceOf(Error);
    }

    // Back: the flow recovers by itself, and a second after that nothing fails.
    expect(recoveredAt, "the flow never recovered after the restart").toBeDefined();
    expect(recoveredAt! - restartedAt).toBeLessThan(5_000);
    expect(settled.length).toBeGreaterThan(LANES);
    expect(settled.filter((seen) => seen.reason === "ERROR" || seen.storeFailed)).toEqual([]);

    await expectConsistent(opened.store, flow);
  } finally {
    await flow?.stop();
    release();
    await opened.close();
  }
}

/**
 * The server stops answering (SIGSTOP) for two seconds under many calls in flight, then goes on
 * (SIGCONT). Its connections stay open, so nothing fails at once: the client libraries wait (ioredis
 * has no command timeout, pg's query_timeout is 30 s), and only the runtime's store timeout ends
 * each call.
 */
async function hung(server: RunningServer, kind: string) {
  const namespace = freshNamespace(`hung_${kind}`);
  const opened = await server.open(namespace);
  const { client, reports } = clientOver(opened.store);
  const reference = await fallbackReference();
  const { escaped, escape, release } = guard();
  let flow: Flow | undefined;
  let frozen = false;

  try {
    expect(await client.enable(EXPERIMENT)).toBe(true);
    flow = startFlow(client, HUNG_LANES, escape);
    const { observed, counts } = flow;
    await sleep(1000);
    const freezeAt = performance.now();
    frozen = true;
    await server.freeze();
    const frozenAt = performance.now();
    await sleep(DOWN_MS);
    const thawAt = performance.now();
    await server.thaw();
    frozen = false;
    // Recovered: a pick or an assignment started after the thaw served from the store again.
    const recoveredAt = await recovery(observed, thawAt);
    await sleep(2000);
    await flow.stop();
    await client.flush();

    const latency = (seen: Observed) => seen.end - seen.start;
    // Started while the server was stopped, or being stopped: whenever they ended.
    const startedFrozen = observed.filter((seen) => seen.start >= freezeAt && seen.start <= thawAt);
    // Started and ended while it was stopped: nothing can have answered them.
    const during = observed.filter((seen) => seen.start >= frozenAt && seen.end <= thawAt);
    const picksDuring = during.filter((seen) => seen.operation !== "complete");
    const completesDuring = during.filter((seen) => seen.operation === "complete");
    const reportedDuring = reports.filter((report) => report.at >= frozenAt && report.at <= thawAt);
    const timedOut = reportedDuring.filter((report) =>
      messageOf(report.error).endsWith(`timed out after ${TIMEOUT_MS} ms`),
    );
    const acknowledged = observed.filter((seen) => seen.rewarded).length;
    const { counted } = await countedIn(opened.store);
    const settled = recoveredAt === undefined ? [] : observed.filter((seen) => seen.start >= recoveredAt + 1000);
    const slowest = startedFrozen.reduce<Observed | undefined>(
      (top, seen) => (top && latency(top) >= latency(seen) ? top : seen),
      undefined,
    );
    console.info(
      `${kind} hung server (${HUNG_LANES} lanes): frozen in ${(frozenAt - freezeAt).toFixed(0)} ms for` +
        ` ${(thawAt - frozenAt).toFixed(0)} ms; ${startedFrozen.length} calls started while frozen, max` +
        ` ${max(startedFrozen.map(latency)).toFixed(0)} ms (${slowest?.operation} started` +
        ` ${((slowest?.start ?? 0) - frozenAt).toFixed(0)} ms after the freeze took hold);` +
        ` ended while frozen: ${picksDuring.length} picks/assigns` +
        ` (max ${max(picksDuring.map(latency)).toFixed(0)} ms, ${picksDuring.filter((seen) => seen.reason === "ERROR").length}` +
        ` ERROR) and ${completesDuring.length} completes (max ${max(completesDuring.map(latency)).toFixed(0)} ms);` +
        ` ${reportedDuring.length} errors reported while frozen, ${timedOut.length} of them timeouts;` +
        ` max latency overall ${max(observed.map(latency)).toFixed(0)} ms;` +
        ` recovered ${recoveredAt === undefined ? "never" : `${(recoveredAt - thawAt).toFixed(0)} ms after the thaw`};` +
        ` rewards attempted ${counts.attempted}, acknowledged ${acknowledged}, counted ${counted};` +
        ` ${observed.length} calls in all`,
    );

    expect(escaped).toEqual([]);
    // Before the freeze, the store served.
    const before = observed.filter((seen) => seen.end < freezeAt);
    expect(before.filter((seen) => seen.operation !== "complete").length).toBeGreaterThan(50);
    expect(before.filter((seen) => seen.reason === "ERROR" || seen.storeFailed)).toEqual([]);

    // While frozen: every call ends within the timeout (two in a row at most), whatever the
    // client library does meanwhile.
    expect(picksDuring.length).toBeGreaterThan(HUNG_LANES);
    for (const seen of startedFrozen)
      expect(latency(seen), `${seen.operation}(${seen.unit}) took too long`).toBeLessThanOrEqual(HUNG_BOUND_MS);
    // A pick or an assignment makes one store call here, the read: the experiment was last seen
    // enabled, so it is served the deterministic fallback.
    for (const seen of picksDuring) {
      expect(latency(seen), `${seen.operation}(${seen.unit}) took too long`).toBeLessThanOrEqual(TIMEOUT_MS + SLACK_MS);
      expect(seen.reason, `${seen.operation}(${seen.unit})`).toBe("ERROR");
      expect(seen.variant, `${seen.operation}(${seen.unit})`).toBe(
        (await reference.assign(EXPERIMENT, seen.unit)).variant,
      );
    }
    for (const seen of completesDuring) {
      // A completion waits for writes queued before it (none are queued while frozen, only those
      // from before the freeze), each bounded by the timeout too.
      expect(latency(seen), `complete(${seen.unit}) took too long`).toBeLessThanOrEqual(2 * TIMEOUT_MS + SLACK_MS);
      expect(seen.rewarded).toBe(false);
    }
    // Anywhere, a call makes at most two store calls in a row (a read then a write, or a write then a completion).
    for (const seen of observed)
      expect(latency(seen), `${seen.operation}(${seen.unit}) took too long`).toBeLessThanOrEqual(
        2 * TIMEOUT_MS + SLACK_MS,
      );
    // Every failure went to onError, and while frozen each was the store timeout.
    const failures = observed.filter((seen) => seen.reason === "ERROR" || seen.storeFailed).length;
    expect(failedCalls(reports)).toBeGreaterThanOrEqual(failures);
    expect(reportedDuring.length).toBeGreaterThanOrEqual(during.length);
    expect(
      reportedDuring.filter((report) => !timedOut.includes(report)).map((report) => messageOf(report.error)),
    ).toEqual([]);
    for (const report of reports) {
      expect(report.where).toMatch(/^(forUnit|assign|complete)\(/);
      expect(report.error).toBeInstanceOf(Error);
    }

    // Thawed: the flow recovers by itself, and a second after that nothing fails.
    expect(recoveredAt, "the flow never recovered after the thaw").toBeDefined();
    expect(recoveredAt! - thawAt).toBeLessThan(5_000);
    expect(settled.length).toBeGreaterThan(HUNG_LANES);
    expect(settled.filter((seen) => seen.reason === "ERROR" || seen.storeFailed)).toEqual([]);

    // No acknowledged reward is lost. A completion that timed out was not lost either: it waited
    // in the client library, or in the frozen server's socket, and may have been stored after the
    // thaw, so more rewards may be counted than were acknowledged (never more than were attempted).
    await expectConsistent(opened.store, flow);
  } finally {
    // A failed assertion must not leave the server stopped for the next test.
    if (frozen) await server.thaw();
    await flow?.stop();
    release();
    await opened.close();
  }
}

for (const { kind, harness, noServer } of harnesses) {
  if (noServer) console.warn(`SKIPPED the ${kind} store outage test: ${noServer}`);
  describe.skipIf(noServer)(`${kind} store: an outage while requests flow`, () => {
    const server = exclusiveServer({ kind, harness }, "outage");

    test(
      `SIGKILL mid-flow: picks keep answering within ${TIMEOUT_MS} ms, nothing throws, no acknowledged reward is lost`,
      () => outage(server(), kind),
      120_000,
    );

    test(
      `a server that stops answering: every call settles within ${TIMEOUT_MS} ms, failures go to onError, the flow recovers`,
      () => hung(server(), kind),
      120_000,
    );
  });
}
