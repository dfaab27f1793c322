import { describe } from "../describe.js";
import type { ArmStats, ExperimentStore } from "./store.js";

// Every runtime prosper supports has timers; declared here so the runtime needs no DOM or node typings.
declare function setTimeout(callback: () => void, ms: number): unknown;
declare function clearTimeout(timer: unknown): void;

/** How long a store call may take, by default, before it counts as failed. */
export const DEFAULT_STORE_TIMEOUT_MS = 1000;

type Method = keyof ExperimentStore;

const isIndex = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 0;
const isArm = (arm: ArmStats) => Number.isFinite(arm?.count) && Number.isFinite(arm?.sum);

/** What each method may answer; the writes answer nothing anyone reads. */
const answers: { readonly [M in Method]?: (answer: unknown) => boolean } = {
  isEnabled: (answer) => typeof answer === "boolean",
  getAssignment: (answer) => answer === undefined || isIndex(answer),
  takeAssignment: (answer) => answer === undefined || isIndex(answer),
  assignIfAbsent: isIndex,
  getArms: (answer) => Array.isArray(answer) && answer.every(isArm),
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
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${method} timed out after ${timeoutMs} ms`)), timeoutMs);
        (timer as { unref?(): void })?.unref?.();
        const settle = (finish: (value: unknown) => void) => (value: unknown) => {
          clearTimeout(timer);
          finish(value);
        };
        (async () => {
          const answer = await (store as Record<Method, (...args: unknown[]) => unknown>)[method](...args);
          if (!(answers[method]?.(answer) ?? true)) throw new TypeError(`${method} answered ${describe(answer)}`);
          return answer;
        })().then(settle(resolve), settle(reject));
      });
  const methods: Method[] = [
    "isEnabled",
    "enable",
    "disable",
    "getAssignment",
    "assignIfAbsent",
    "takeAssignment",
    "getArms",
    "reward",
  ];
  return Object.fromEntries(methods.map((method) => [method, call(method)])) as unknown as ExperimentStore;
}
