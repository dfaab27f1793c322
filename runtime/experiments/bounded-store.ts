import { describe } from "../describe.js";
import type { ArmStats, AssignResult, ExperimentStore, UnitExperimentState, UnitRead } from "./store.js";

// Every runtime prosper supports has timers; declared here so the runtime needs no DOM or node typings.
declare function setTimeout(callback: () => void, ms: number): unknown;
declare function clearTimeout(timer: unknown): void;

/** A store call that did not settle in time: it may still take effect on the server. */
export class StoreTimeout extends Error {}

/**
 * One public operation's time budget, shared by the store calls it makes one after another, so
 * that the operation as a whole settles within the store timeout, not within one timeout per call.
 */
export function deadline(ms: number, now: () => number = Date.now) {
  const end = now() + ms;
  return {
    /** `step`, or a StoreTimeout when it does not settle before the budget runs out. */
    within: <T>(step: Promise<T>, what: string): Promise<T> => {
      let timer: unknown;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new StoreTimeout(`${what} timed out after ${ms} ms`)),
          Math.max(0, end - now()),
        );
        (timer as { unref?(): void })?.unref?.();
      });
      return Promise.race([step, late]).finally(() => clearTimeout(timer));
    },
  };
}

/** How long a store call may take, by default, before it counts as failed. */
export const DEFAULT_STORE_TIMEOUT_MS = 1000;

type Method = keyof ExperimentStore;

const isCount = (value: unknown) => typeof value === "number" && value >= 0 && Number.isFinite(value);
const isArm = (arm: ArmStats) =>
  isCount(arm?.assigned) && isCount(arm.count) && isCount(arm.sum) && isCount(arm.successes);
const isStats = (stats: unknown) => typeof stats === "object" && stats !== null && Object.values(stats).every(isArm);
const isList = <T>(answer: unknown, check: (item: T) => boolean): answer is T[] =>
  Array.isArray(answer) && answer.every(check);

/**
 * What each method may answer, given what it was asked; the writes with no answer are not checked.
 * A list must have one answer per question, in order.
 */
// `args` are the call's own arguments, each checker types them as its method's parameters.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const answers: { readonly [M in Method]?: (answer: unknown, args: any) => boolean } = {
  isEnabled: (answer) => typeof answer === "boolean",
  readUnit: (answer, [, experiments, stats]: Parameters<ExperimentStore["readUnit"]>) => {
    const read = answer as UnitRead;
    return (
      isList(read?.experiments, (state: UnitExperimentState) => {
        const variant = state?.variant;
        return typeof state?.enabled === "boolean" && (variant === undefined || typeof variant === "string");
      }) &&
      read.experiments.length === experiments.length &&
      isList(read.stats, isStats) &&
      read.stats.length === stats.length
    );
  },
  // What the store kept is the variant asked for or, when this call did not store it, one it may keep.
  assign: (answer, [requests]: Parameters<ExperimentStore["assign"]>) =>
    isList(
      answer,
      (result: AssignResult) => typeof result?.variant === "string" && typeof result.stored === "boolean",
    ) &&
    answer.length === requests.length &&
    answer.every(({ variant, stored }, index) => {
      const request = requests[index]!;
      return variant === request.variant || (!stored && request.variants.includes(variant));
    }),
  complete: (answer) => answer === undefined || typeof answer === "string",
  readStats: (answer, [experiments]: Parameters<ExperimentStore["readStats"]>) =>
    isList(answer, isStats) && answer.length === experiments.length,
};

/**
 * The store as the experiments call it: each call bounded by `timeoutMs` and each answer checked,
 * so that a store that hangs, throws, lacks a method or answers nonsense fails the one call,
 * which the caller serves a fallback for. Timers are cleared when the call settles, and unref'd
 * where the runtime has that, so a hung store never keeps a process alive.
 */
export function boundedStore(store: unknown, timeoutMs: number): ExperimentStore {
  const call =
    (method: Method) =>
    (...args: unknown[]) =>
      deadline(timeoutMs).within(
        (async () => {
          const answer = await (store as Record<Method, (...args: unknown[]) => unknown>)[method](...args);
          if (!(answers[method]?.(answer, args) ?? true))
            throw new TypeError(`${method} answered ${describe(answer)}, not what was asked for`);
          return answer;
        })(),
        method,
      );
  const methods: Method[] = ["isEnabled", "enable", "disable", "readUnit", "assign", "complete", "readStats"];
  return Object.fromEntries(methods.map((method) => [method, call(method)])) as unknown as ExperimentStore;
}
