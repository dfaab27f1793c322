import { memoryStore, type AlgorithmJson, type ExperimentStore } from "prosper-runtime";

/**
 * What the learning tests share: experiment documents as the compiler writes them, and a real
 * memory store that records every call made to it.
 */

/** An experiment document whose variants' one symbol, `<name>.value`, is valued its variant's name. */
export function experimentDoc(
  name: string,
  variants: readonly string[],
  algorithm: AlgorithmJson = { kind: "random" },
  salt = name + "-salt",
) {
  return {
    formatVersion: 1,
    kind: "experiment",
    name,
    salt,
    algorithm,
    variants: variants.map((variant) => ({ name: variant, symbols: { [`${name}.value`]: variant } })),
  };
}

export type Method = keyof ExperimentStore;
export const METHODS = [
  "isEnabled",
  "enable",
  "disable",
  "readUnit",
  "assign",
  "complete",
  "readStats",
] as const satisfies readonly Method[];
// Every method of the store is listed: one added to ExperimentStore must be added here.
true satisfies [Exclude<Method, (typeof METHODS)[number]>] extends [never] ? true : false;

/** A real memory store that records every call made to it, and fails (rejects) the methods it is told to. */
export function countingStore(base: ExperimentStore = memoryStore(), failing: readonly Method[] = []) {
  const calls: { method: Method; args: unknown[] }[] = [];
  const store = {} as Record<Method, (...args: unknown[]) => unknown>;
  for (const method of METHODS)
    store[method] = (...args) => {
      calls.push({ method, args });
      if (failing.includes(method)) return Promise.reject(new Error(`${method} is down`));
      return (base[method] as (...args: unknown[]) => unknown)(...args);
    };
  return {
    store: store as unknown as ExperimentStore,
    base,
    calls,
    methods: () => calls.map((call) => call.method),
    of: (method: Method) => calls.filter((call) => call.method === method),
    reset: () => void (calls.length = 0),
  };
}

/** Deep copies of the store's statistics, so later changes cannot alter what was read. */
export const statsOf = async (store: ExperimentStore, experiment: string) =>
  structuredClone((await store.readStats([experiment]))[0]!);

/** The unit's variant as the store holds it. */
export const storedVariant = async (store: ExperimentStore, unitId: string, experiment: string) =>
  (await store.readUnit(unitId, [experiment], [])).experiments[0]!.variant;
