import { describe } from "../describe.js";
import type { ArmStats, AssignRequest, AssignResult, ExperimentStore, UnitExperimentState, UnitRead } from "./store.js";

// Every runtime prosper supports has timers; declared here so the runtime needs no DOM or node typings.
declare function setTimeout(callback: () => void, ms: number): unknown;
declare function clearTimeout(timer: unknown): void;

/**
 * The errors of store calls that did not settle in time: they may still take effect on the server.
 * A WeakSet, not a class: asking it about a Proxy the store threw cannot throw, as `instanceof` can.
 */
export const timeouts = /* @__PURE__ */ new WeakSet<object>();

/** How long a store call may take, by default, before it counts as failed. */
export const DEFAULT_STORE_TIMEOUT_MS = 1000;

/** `step`, or an error in `timeouts` once `end` (ms since the epoch; `timeoutMs` from now by default) has passed. */
export type Within = <T>(step: Promise<T>, what: string, end?: number) => Promise<T>;

/**
 * Time limits for store calls, all on one timer: it is set for the earliest deadline still
 * waiting, so concurrent calls share one timer, and none is left once nothing waits. An operation that makes
 * calls one after another passes the same `end` to each, so that the operation as a whole
 * settles within `timeoutMs`. The timer is unref'd where the runtime has that, so a hung store
 * never keeps a process alive.
 */
// Every runtime prosper supports has it; declared here so the runtime needs no DOM or node typings.
declare const performance: { now(): number };

/**
 * Milliseconds on a clock that only moves forward: deadlines measured on the wall clock would
 * stretch by however far it is set back (NTP, a resumed VM), and a call could wait that long.
 */
export const clock = () => performance.now();

export function timeLimit(timeoutMs: number): Within {
  /** Each waiting call's failure, and its deadline. */
  const waiting = new Map<() => void, number>();
  let timer: unknown;
  let armedFor = Infinity;
  const arm = () => {
    let next = Infinity;
    for (const end of waiting.values()) if (end < next) next = end;
    clearTimeout(timer);
    armedFor = next;
    if (next < Infinity) {
      timer = setTimeout(expire, Math.max(0, next - clock()));
      (timer as { unref?(): void })?.unref?.();
    }
  };
  const expire = () => {
    const now = clock();
    for (const [fail, end] of waiting)
      if (end <= now) {
        waiting.delete(fail);
        fail();
      }
    arm();
  };
  return (step, what, end = clock() + timeoutMs) =>
    new Promise((resolve, reject) => {
      const fail = () => {
        const error = new Error(`${what} timed out after ${timeoutMs} ms`);
        timeouts.add(error);
        reject(error);
      };
      waiting.set(fail, end);
      if (end < armedFor) arm();
      const settle = () => {
        waiting.delete(fail);
        // Nothing left to time: no timer is left behind either.
        if (!waiting.size) arm();
      };
      step.then(
        (value) => {
          settle();
          resolve(value);
        },
        (error: unknown) => {
          settle();
          reject(error);
        },
      );
    });
}

type Method = keyof ExperimentStore;

const isCount = (value: unknown) => typeof value === "number" && value >= 0 && Number.isFinite(value);
const isArm = (arm: ArmStats) =>
  isCount(arm?.assigned) && isCount(arm.count) && isCount(arm.sum) && isCount(arm.successes);
const isStats = (stats: unknown) => typeof stats === "object" && stats !== null && Object.values(stats).every(isArm);
const isList = <T>(answer: unknown, length: number, check: (item: T, index: number) => boolean): answer is T[] =>
  Array.isArray(answer) && answer.length === length && answer.every(check);

/**
 * What each method may answer, given what it was asked; the writes with no answer are not checked.
 * A list must have one answer per question, in order.
 */
// `args` are the call's own arguments, each checker types them as its method's parameters.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const answers: { readonly [M in Method]?: (answer: any, args: any) => boolean } = {
  isEnabled: (answer) => typeof answer === "boolean",
  readUnit: (read: UnitRead, [, experiments, stats]: Parameters<ExperimentStore["readUnit"]>) =>
    isList(read?.experiments, experiments.length, (state: UnitExperimentState) => {
      const variant = state?.variant;
      return typeof state?.enabled === "boolean" && (variant === undefined || typeof variant === "string");
    }) && isList(read.stats, stats.length, isStats),
  // What the store kept is the variant asked for or, when this call did not store it, one it may keep.
  assign: (answer, [requests]: [readonly AssignRequest[]]) =>
    isList(answer, requests.length, (result: AssignResult, index: number) => {
      const request = requests[index]!;
      const variant = result?.variant;
      return (
        typeof result?.stored === "boolean" &&
        (variant === request.variant || (!result.stored && request.variants.includes(variant)))
      );
    }),
  complete: (answer) => answer === undefined || typeof answer === "string",
  readStats: (answer, [experiments]: [readonly string[]]) => isList(answer, experiments.length, isStats),
};

/**
 * The store as the experiments call it: each call bounded by `timeoutMs` and each answer checked,
 * so that a store that hangs, throws, lacks a method or answers nonsense fails the one call,
 * which the caller serves a fallback for.
 *
 * In the core, not in the Redis and PostgreSQL entries behind a wrapper custom stores must use:
 * that would save about 550 B gzip of the 5,730 B bundle (still far over the 3,000 B goal), and
 * every custom store would then have to be wrapped, or refused, to keep "never waits forever".
 */
export function boundedStore(store: unknown, timeoutMs: number, within = timeLimit(timeoutMs)): ExperimentStore {
  const bounded: Record<string, unknown> = {};
  for (const method of Object.keys(answers).concat("enable", "disable") as Method[])
    bounded[method] = (...args: unknown[]) =>
      within(
        // The executor turns a store that throws (or lacks the method) into a rejection.
        new Promise((resolve) =>
          resolve((store as Record<Method, (...args: unknown[]) => unknown>)[method](...args)),
        ).then((answer) => {
          if (!(answers[method]?.(answer, args) ?? true))
            throw new TypeError(`${method} answered ${describe(answer)}, not what was asked for`);
          return answer;
        }),
        method,
      );
  return bounded as unknown as ExperimentStore;
}
