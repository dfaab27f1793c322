import { describe, messageOf, quote, show } from "../describe.js";
import type { JsonValue } from "../format.js";
import { freeze } from "../freeze.js";
import { murmur3 } from "../murmur3.js";
import { readOptions, unitIdProblem, type ReportError } from "../options.js";
import type { Reason } from "../reason.js";
import { variantByWeight, type Algorithm, type Choose, type Learner } from "./algorithms.js";
import { assignmentWrites, type WriteOutcome } from "./assignment-writes.js";
import { boundedStore, clock, DEFAULT_STORE_TIMEOUT_MS, timeLimit, timeouts } from "./bounded-store.js";
import { DEFAULT_STATS_REFRESH_MS, type StatsCache } from "./stats-cache.js";
import {
  DIRECT,
  memoryStore,
  type AssignRequest,
  type DirectStore,
  type ExperimentStore,
  type UnitRead,
} from "./store.js";

/** Variant names and symbol value types per experiment, as the generated module declares them. */
export interface ExperimentTypes {
  readonly [experiment: string]: {
    readonly variant: string;
    readonly symbols: { readonly [symbol: string]: unknown };
  };
}

export type SymbolName<E extends ExperimentTypes> = {
  [K in keyof E]: keyof E[K]["symbols"] & string;
}[keyof E];

export type SymbolValue<E extends ExperimentTypes, S extends string> = {
  [K in keyof E]: S extends keyof E[K]["symbols"] ? E[K]["symbols"][S] : never;
}[keyof E];

/** The variant a unit gets in one experiment, and why. */
export interface Assignment<Variant extends string = string> {
  readonly experiment: string;
  readonly variant: Variant;
  /** The variant's position; 0 is the control. */
  readonly index: number;
  readonly reason: Reason;
  readonly message?: string;
}

export interface CompleteResult {
  readonly rewarded: boolean;
  /** The variant that was rewarded, when one was. */
  readonly variant?: string;
  readonly message?: string;
}

/** A unit was first served a variant: the event analytics tools expect. */
export interface Exposure {
  readonly experiment: string;
  readonly variant: string;
  readonly unitId: string;
}

/** One unit's variants, read in one store round trip, so that picking is synchronous. */
export interface UnitPicks<E extends ExperimentTypes> {
  readonly unitId: string;
  /** The symbol's value in the unit's variant; the first pick from an experiment assigns the unit to it. */
  pick<S extends SymbolName<E>>(symbol: S): SymbolValue<E, S>;
  /** The unit's variant, assigned on first call like `pick`. */
  assignment<N extends keyof E & string>(experiment: N): Assignment<E[N]["variant"]>;
}

export interface ExperimentOptions<E extends ExperimentTypes = ExperimentTypes> {
  /** Where state lives; an in-memory store by default. */
  readonly store?: ExperimentStore | undefined;
  /**
   * Told of every store failure, of documents that cannot be read (once, when loaded), of unit ids
   * and scores it cannot use and of options it ignored; the call that met it still returns, with
   * reason ERROR. console.warn by default.
   */
  readonly onError?: ReportError | undefined;
  /**
   * How long an operation may wait on the store before it counts as failed (and the fallback is
   * served): 1000 ms by default. `forUnit`, `assign`, `pick` and `complete` each answer within it,
   * whatever the store does; a store whose promise never settles cannot hang them.
   */
  readonly storeTimeoutMs?: number | undefined;
  /** The custom algorithms the definitions name (`algorithm: { kind: "custom", name }`), by name. */
  readonly algorithms?: { readonly [name: string]: Algorithm } | undefined;
  /**
   * Called once per assignment, when the store has stored it: a unit first served a variant. Not
   * called for forced variants, a disabled experiment, or a variant served while the store failed.
   */
  readonly onExposure?: ((exposure: Exposure) => void) | undefined;
  /** Variants forced for every unit from the start, as `force` does: for tests and QA. */
  readonly forced?: { readonly [N in keyof E]?: E[N]["variant"] } | undefined;
  /**
   * How old (ms) a learning experiment's statistics may get in this process before they are read
   * again, riding on a unit's round trip: 1000 ms by default. Between reads, this process's own
   * assignments and rewards are added to its copy.
   */
  readonly statsRefreshMs?: number | undefined;
  /** Uniform numbers in [0, 1) for the Bernoulli(score) draw of each reward; Math.random by default. */
  readonly random?: (() => number) | undefined;
}

export interface Experiments<E extends ExperimentTypes> {
  /** Turns the experiment on. False if the store failed. */
  enable(experiment: keyof E & string): Promise<boolean>;
  /** Turns it off: the control is served, assignments and statistics are deleted. False if the store failed. */
  disable(experiment: keyof E & string): Promise<boolean>;
  isEnabled(experiment: keyof E & string): Promise<boolean>;
  /** The unit's variant, assigned and stored on first call and sticky until `complete`. */
  assign<N extends keyof E & string>(experiment: N, unitId: string): Promise<Assignment<E[N]["variant"]>>;
  /** Reads the unit's state in every experiment in one round trip; then `pick` is synchronous. */
  forUnit(unitId: string): Promise<UnitPicks<E>>;
  /** The value of `symbol` for the unit: `assign`, then the value. */
  pick<S extends SymbolName<E>>(unitId: string, symbol: S): Promise<SymbolValue<E, S>>;
  /** Every experiment's control, for code that runs for no unit; nothing is read or stored. */
  controls(): UnitPicks<E>;
  /** Rewards the unit's variant with `score` in [0, 1] and ends the assignment. */
  complete(experiment: keyof E & string, unitId: string, score: number): Promise<CompleteResult>;
  /**
   * Serves `variant` to `unitId`, or to every unit when no unit is given, until forced again with
   * `undefined`. Forced variants are never stored or rewarded. False (and reported) for a name the
   * experiment does not have.
   */
  force<N extends keyof E & string>(experiment: N, variant: E[N]["variant"] | undefined, unitId?: string): boolean;
  /** Resolves when every assignment made so far has been written (or has failed). */
  flush(): Promise<void>;
}

/**
 * One experiment as the compiler (or the document reader) hands it over: checked already, so the
 * engine trusts its shape.
 */
export interface ExperimentTable {
  readonly name: string;
  readonly salt: string;
  /** Variant names in order, the control first. */
  readonly variants: readonly string[];
  /** Each symbol's value in every variant, in variant order. */
  readonly symbols: { readonly [symbol: string]: readonly JsonValue[] };
  /** Weights per variant (`weighted`), a learning algorithm, or nothing: equal weights (`random`). */
  readonly algorithm?: readonly number[] | Learner | undefined;
  /** Why it cannot run (a document that failed its checks): the control is served with ERROR. */
  readonly problem?: string | undefined;
}

/** An experiment running in one client. */
interface Running {
  readonly index: number;
  readonly name: string;
  /** `salt:`, what the unit's hash starts with. */
  readonly prefix: string;
  readonly variants: readonly string[];
  readonly kind: string;
  readonly weights: readonly number[] | undefined;
  learn?: Choose;
  problem?: string | undefined;
  /** The SPLIT assignment of each variant, made once: a returning unit allocates nothing. */
  readonly splits: readonly Assignment[];
  readonly disabled: Assignment;
  /** Whether it was enabled when the store last answered: what a failing store falls back on. */
  enabled: boolean;
  forAll: number;
  readonly forUnits: Map<string, number>;
}

/** What `prosper-runtime/results` reads of a client: its core. */
export interface Internals {
  readonly byName: Map<
    unknown,
    { readonly variants: readonly string[]; readonly kind: string; readonly learn?: Choose }
  >;
  readonly store: ExperimentStore;
  readonly writes: { readonly settled: () => Promise<void> };
  readonly cache: StatsCache | undefined;
  readonly report: ReportError;
}

/** Where a client keeps its internals: shared by every bundle of the runtime that an app loads. */
export const INTERNALS = /* @__PURE__ */ Symbol.for("prosper.experiments");

/** The most setTimeout takes: a longer delay fires at once. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;
const SERVED_CONTROL = "; served the control";
const NONE: readonly never[] = /* @__PURE__ */ Object.freeze([]);

const result = (experiment: string, variant: string, index: number, reason: Reason, message?: string): Assignment => {
  const made: { -readonly [K in keyof Assignment]: Assignment[K] } = { experiment, variant, index, reason };
  if (message !== undefined) made.message = message;
  return Object.freeze(made);
};
const of = (x: Running, index: number, reason: Reason, message?: string) =>
  result(x.name, x.variants[index]!, index, reason, message);
const unknownName = (name: unknown) => `unknown experiment ${show(name)}`;
const unknown = (name: unknown) => result(name as string, "", 0, "ERROR", unknownName(name));
const notRewarded = (message: string): CompleteResult => Object.freeze({ rewarded: false, message });

/** What a unit's picks (and `prosper-runtime/results`) need of their client. */
interface Core extends Internals {
  readonly byName: Map<unknown, Running>;
  readonly bySymbol: Map<unknown, readonly [Running, readonly JsonValue[]]>;
  readonly writes: ReturnType<typeof assignmentWrites<Running>>;
  readonly cache: StatsCache | undefined;
  readonly report: ReportError;
  /** Absent without `onExposure`: then no exposure is built. */
  readonly exposed: ((exposure: Exposure) => void) | undefined;
}

const forcedIndex = (x: Running, unitId: string) => (x.forUnits.size ? x.forUnits.get(unitId) : undefined) ?? x.forAll;

/**
 * One unit's state as one round trip read it, and its assignments as they are made (each at
 * most once). A class, so that a unit's picks cost one object, not a closure per method; and one
 * class for every client, so that the calls on it stay monomorphic.
 */
class Picks {
  // Declared, not defined: the constructor sets each field once, so a unit's picks cost one
  // object of one shape (class fields would define every field first, then assign it).
  declare readonly core: Core;
  declare readonly unitId: string;
  /** Per experiment index: false (disabled), the stored variant ("" for none), then the assignment made. */
  declare readonly slots: (string | false | Assignment | undefined)[];
  /** Set when the store could not be read: why. */
  declare readonly failure: string | undefined;
  /** Set when every experiment serves its control: the reason and message (no unit, or one that cannot be used). */
  declare readonly fixed: readonly [Reason, string] | undefined;
  /** `assign` hears about the write of a new assignment here (its own picks only: they are not frozen). */
  declare written?: (outcome: WriteOutcome) => void;
  /** Whether `serve` queued a write that `written` will hear of. */
  declare queued?: boolean;

  constructor(
    core: Core,
    unitId: string,
    slots: (string | false | Assignment | undefined)[] = [],
    failure?: string,
    fixed?: readonly [Reason, string],
  ) {
    this.core = core;
    this.unitId = unitId;
    this.slots = slots;
    this.failure = failure;
    this.fixed = fixed;
  }

  pick(symbol: unknown) {
    const found = this.core.bySymbol.get(symbol);
    return found && found[1][this.of(found[0]).index];
  }

  assignment(name: unknown) {
    const x = this.core.byName.get(name);
    return x ? this.of(x) : unknown(name);
  }

  of(x: Running): Assignment {
    const slot = this.slots[x.index];
    return typeof slot === "object" ? slot : (this.slots[x.index] = this.serve(x, slot));
  }

  /** The unit's variant in `x`, given what the store said; a unit without a current one is assigned one. */
  serve(x: Running, state: string | false | undefined): Assignment {
    const { unitId, failure, core } = this;
    if (this.fixed) return of(x, 0, ...this.fixed);
    const forced = forcedIndex(x, unitId);
    if (forced >= 0) return of(x, forced, "FORCED");
    if (x.problem) return of(x, 0, "ERROR", x.problem + SERVED_CONTROL);
    const { variants, learn } = x;
    if (failure !== undefined)
      return x.enabled
        ? of(
            x,
            Math.floor((murmur3(x.prefix + unitId) / 4294967296) * variants.length),
            "ERROR",
            failure + "; assigned without the store",
          )
        : of(x, 0, "ERROR", failure + SERVED_CONTROL);
    if (state === false) return x.disabled;
    const stored = state ? variants.indexOf(state) : -1;
    if (stored >= 0) return x.splits[stored]!;
    // No variant yet, or one the definitions no longer have: choose one.
    const hash = murmur3(x.prefix + unitId);
    const chosen = learn
      ? learn(core.cache!, x.name, variants, hash, core.report)
      : x.weights
        ? variantByWeight(x.weights, hash)
        : Math.floor((hash / 4294967296) * variants.length);
    if (typeof chosen === "string") return of(x, 0, "ERROR", chosen + SERVED_CONTROL);
    core.writes.add(this, x, unitId, variants[chosen]!);
    // Only `assign`'s own picks listen, and only they are not frozen.
    if (this.written) this.queued = true;
    return x.splits[chosen]!;
  }

  /** What the store kept of this unit's new assignment in `x`. */
  heard(outcome: WriteOutcome, { variant, unitId }: AssignRequest, x: Running) {
    if (!("failed" in outcome))
      if (outcome.stored) this.core.exposed?.({ experiment: x.name, variant, unitId });
      else if (outcome.variant !== variant) {
        // Another process assigned the unit first: serve its variant from now on.
        const kept = x.variants.indexOf(outcome.variant);
        if (kept >= 0) this.slots[x.index] = x.splits[kept];
      }
    this.written?.(outcome);
  }
}

/**
 * Runs compiled experiments through pyrosper's loop, learning from the scores: enable, assign
 * (sticky), pick, complete with a score, disable. Never throws and never hangs, whatever it is
 * given: failures come back as reasons and go to `onError`.
 */
export function experimentsOf<E extends ExperimentTypes = ExperimentTypes>(
  tables: readonly ExperimentTable[] | ((report: ReportError) => readonly ExperimentTable[]),
  options: ExperimentOptions<E> = {},
): Experiments<E> {
  const { report, option } = readOptions(options);
  const isFunction = (value: unknown) => typeof value === "function";
  const isObject = (value: unknown) => typeof value === "object" && value !== null;
  const timeoutMs =
    option<number>(
      "storeTimeoutMs",
      `a number of milliseconds in (0, ${MAX_TIMEOUT_MS}]`,
      (value) => typeof value === "number" && value > 0 && value <= MAX_TIMEOUT_MS,
    ) ?? DEFAULT_STORE_TIMEOUT_MS;
  const within = timeLimit(timeoutMs);
  const given = option("store", "a store", () => true) ?? memoryStore();
  let direct: DirectStore | undefined;
  try {
    direct = (given as { [DIRECT]?: DirectStore })[DIRECT];
    if (direct?.of !== given) direct = undefined;
  } catch {
    // A store whose properties cannot be read is called through its methods, bounded, as any other.
  }
  const store = boundedStore(given, timeoutMs, within);
  const refreshMs =
    option<number>(
      "statsRefreshMs",
      "a number of milliseconds, 0 or more",
      (value) => typeof value === "number" && value >= 0 && value <= Number.MAX_SAFE_INTEGER,
    ) ?? DEFAULT_STATS_REFRESH_MS;
  const random = option<() => unknown>("random", "a function", isFunction);
  let randomReported = false;
  const algorithms = option<object>("algorithms", "an object", isObject);
  const onExposure = option<(exposure: Exposure) => void>("onExposure", "a function", isFunction);
  const writes = assignmentWrites<Running>(store, report, direct);

  const byName = new Map<unknown, Running>();
  const bySymbol = new Map<unknown, readonly [Running, readonly JsonValue[]]>();
  let cache: StatsCache | undefined;
  (typeof tables === "function" ? tables(report) : tables).forEach(
    ({ name, salt, variants, symbols, algorithm, problem }, index) => {
      const weighted = Array.isArray(algorithm);
      const learner = weighted ? undefined : (algorithm as Learner | undefined);
      const x: Running = {
        index,
        name,
        prefix: salt + ":",
        variants,
        kind: learner?.kind ?? (weighted ? "weighted" : "random"),
        weights: weighted ? (algorithm as number[]) : undefined,
        problem,
        splits: variants.map((variant, at) => result(name, variant, at, "SPLIT")),
        disabled: result(name, variants[0]!, 0, "DISABLED"),
        enabled: false,
        forAll: -1,
        forUnits: new Map(),
      };
      if (learner && !problem) {
        const bound = learner.bind(algorithms, report);
        if (typeof bound === "string") report(new Error((x.problem = bound)), `load ${quote(name)}`);
        else x.learn = bound;
        cache ??= learner.cache(refreshMs);
      }
      byName.set(name, x);
      for (const symbol of Object.keys(symbols)) bySymbol.set(symbol, [x, freeze(symbols[symbol]!)]);
    },
  );
  const all = [...byName.values()];
  /** The experiments that can run, whose state a unit's round trip reads, and their names. */
  const runnable = all.filter((x) => !x.problem);
  const runnableNames = Object.freeze(runnable.map((x) => x.name));

  /** Reports a failed store operation; what the assignment's message says of it. */
  const failed = (error: unknown, operation: string) => {
    report(error, operation);
    return `${operation} failed: ${messageOf(error)}`;
  };

  /** Why `unitId` cannot be used, reported; then the control is served and nothing is stored. */
  const unitFault = (unitId: unknown, operation: string) => {
    const problem = unitIdProblem(unitId);
    if (problem) report(new TypeError(problem), operation);
    return problem;
  };

  const exposed =
    onExposure &&
    ((exposure: Exposure) => {
      try {
        onExposure(Object.freeze(exposure));
      } catch (error) {
        report(error, "onExposure");
      }
    });
  const core: Core = { byName, bySymbol, writes, store, cache, report, exposed };

  /**
   * Reads the state of `wanted` for the unit in one round trip, refreshing the statistics that are
   * due. `verb(what)` names assign's or pick's operation, none forUnit's; labels are built only on
   * failure. The memory store answers at once, and so does this: no promise for a process-local read.
   */
  const readUnit = (
    unitId: string,
    wanted: readonly Running[],
    names: readonly string[],
    verb?: string,
    what?: unknown,
  ): Picks | Promise<Picks> => {
    let due: readonly string[] = NONE;
    if (cache) {
      const stale: string[] = (due = []);
      for (const x of wanted) if (x.learn && cache.due(x.name)) stale.push(x.name);
    }
    if (direct) return picksOf(unitId, wanted, due, direct.readUnit(unitId, names, due));
    return store
      .readUnit(unitId, names, due)
      .then((answer) => picksOf(unitId, wanted, due, answer))
      .catch(
        (error: unknown) =>
          new Picks(
            core,
            unitId,
            [],
            failed(error, verb ? `${verb}(${show(what)}) for ${quote(unitId)}` : `forUnit(${quote(unitId)})`),
          ),
      );
  };

  /** A unit's picks from its round trip's answer. */
  const picksOf = (unitId: string, wanted: readonly Running[], due: readonly string[], answer: UnitRead) => {
    const slots: (string | false)[] = [];
    // Read once, here: the answer passed its checks, but it is still the store's object.
    for (let at = 0; at < wanted.length; at++) {
      const { enabled, variant } = answer.experiments[at]!;
      const x = wanted[at]!;
      x.enabled = enabled;
      slots[x.index] = enabled && (variant ?? "");
    }
    for (let at = 0; at < due.length; at++) cache!.set(due[at]!, answer.stats[at]!);
    return new Picks(core, unitId, slots);
  };

  /** `verb(what)` names the operation, for a report: assign(experiment) or pick(symbol). */
  const assign = async (name: unknown, unitId: string, verb: string, what: unknown): Promise<Assignment> => {
    const x = byName.get(name);
    if (!x) return unknown(name);
    const fault = unitFault(unitId, `${verb}(${show(what)})`);
    if (fault) return of(x, 0, "ERROR", fault + SERVED_CONTROL);
    const end = clock() + timeoutMs;
    const picks =
      x.problem || forcedIndex(x, unitId) >= 0
        ? new Picks(core, unitId)
        : await readUnit(unitId, [x], [x.name], verb, what);
    const outcome = new Promise<WriteOutcome>((resolve) => (picks.written = resolve));
    const assignment = picks.of(x);
    if (!picks.queued) return assignment;
    // The read and the write share one timeout: a store that stalls cannot make this take two.
    // Not reported here: a write that fails is reported with its batch, and one that lands late did not fail.
    const stored = await within(outcome, "assign", end).catch((error: unknown) => ({
      failed: `the assignment was not confirmed in time (${messageOf(error)})`,
    }));
    // Not stored, so not sticky: say so, as every other store failure does.
    return "failed" in stored
      ? of(x, assignment.index, "ERROR", stored.failed + "; served without storing it")
      : picks.of(x);
  };

  const setEnabled = async (name: unknown, method: "enable" | "disable") => {
    const x = byName.get(name);
    if (!x) return false;
    await writes.settled();
    try {
      await store[method](x.name);
      x.enabled = method === "enable";
      return true;
    } catch (error) {
      failed(error, `${method}(${quote(x.name)})`);
      return false;
    } finally {
      cache?.forget(x.name);
    }
  };

  /** A uniform number from the application's `random`, checked: Math.random's where it fails (the first failure is reported). */
  const draw = () => {
    try {
      const value = random ? random() : Math.random();
      if (typeof value === "number" && value >= 0 && value < 1) return value;
      throw new RangeError(`random() returned ${describe(value)}, not a number in [0, 1)`);
    } catch (error) {
      if (!randomReported) report(error, "options.random");
      randomReported = true;
      return Math.random();
    }
  };

  const client: Experiments<ExperimentTypes> & { [INTERNALS]: Internals } = {
    enable: (name) => setEnabled(name, "enable"),
    disable: (name) => setEnabled(name, "disable"),
    isEnabled: async (name) => {
      try {
        return byName.has(name) && (await store.isEnabled(name));
      } catch (error) {
        failed(error, `isEnabled(${quote(name)})`);
        return false;
      }
    },
    assign: (name, unitId) => assign(name, unitId, "assign", name),
    forUnit: (unitId) => {
      const fault = unitFault(unitId, "forUnit");
      // With nothing that can run, there is nothing to read.
      const picks = fault
        ? new Picks(core, unitId, [], undefined, ["ERROR", fault + SERVED_CONTROL])
        : runnable.length
          ? readUnit(unitId, runnable, runnableNames)
          : new Picks(core, unitId);
      return (picks instanceof Picks ? Promise.resolve(Object.freeze(picks)) : picks.then(Object.freeze)) as never;
    },
    pick: async (unitId, symbol) => {
      const found = bySymbol.get(symbol);
      return (found && found[1][(await assign(found[0].name, unitId, "pick", symbol)).index]) as never;
    },
    controls: () =>
      Object.freeze(
        new Picks(core, "", [], undefined, ["DEFAULT", "no unit: served the control"]),
      ) as unknown as UnitPicks<ExperimentTypes>,
    complete: async (name, unitId, score) => {
      const x = byName.get(name);
      if (!x) return notRewarded(unknownName(name));
      const operation = `complete(${quote(x.name)}, ${show(unitId)})`;
      const fault = unitFault(unitId, operation);
      if (fault) return notRewarded(fault);
      if (typeof score !== "number" || !(score >= 0 && score <= 1)) {
        const message = `score must be a finite number in [0, 1], got ${describe(score)}; nothing was stored`;
        report(new RangeError(message), operation);
        return notRewarded(message);
      }
      const forced = forcedIndex(x, unitId);
      if (forced >= 0)
        return notRewarded(
          `${quote(unitId)} is forced to ${quote(x.variants[forced]!)}; forced variants are not rewarded`,
        );
      // An assignment still being written must be in the store before it can be completed; the
      // wait and the completion share one timeout.
      const end = clock() + timeoutMs;
      const success = draw() < score ? 1 : 0;
      let taken: string | undefined;
      try {
        await within(writes.settled(), "waiting for the assignment's write", end);
        taken = await within(store.complete(x.name, unitId, { score, success }, x.variants), "complete", end);
      } catch (error) {
        // A call that timed out is not cancelled: the server may still apply it.
        return notRewarded(
          failed(error, operation) + (timeouts.has(error as object) ? "; the reward may still be stored" : ""),
        );
      }
      if (taken === undefined) return notRewarded(`${quote(unitId)} has no assignment in ${quote(x.name)}`);
      if (!x.variants.includes(taken))
        return notRewarded(`${quote(unitId)} was assigned ${quote(taken)}, which ${quote(x.name)} no longer has`);
      if (x.learn) cache!.add(x.name, taken, { count: 1, sum: score, successes: success });
      return Object.freeze({ rewarded: true, variant: taken });
    },
    force: (name, variant, unitId) => {
      const x = byName.get(name);
      const index = variant === undefined || !x ? -1 : x.variants.indexOf(variant);
      const problem = !x
        ? unknownName(name)
        : variant !== undefined && index < 0
          ? `${quote(x.name)} has no variant ${show(variant)}`
          : unitId !== undefined && unitIdProblem(unitId);
      if (problem) {
        report(new RangeError(problem), `force(${show(name)}, ${show(variant)})`);
        return false;
      }
      if (unitId === undefined) x!.forAll = index;
      else if (index < 0) x!.forUnits.delete(unitId);
      else x!.forUnits.set(unitId, index);
      return true;
    },
    flush: writes.settled,
    [INTERNALS]: core,
  };

  try {
    for (const [name, variant] of Object.entries(option<object>("forced", "an object of variants", isObject) ?? {}))
      client.force(name, variant, undefined);
  } catch (error) {
    report(error, "options.forced");
  }
  return client as unknown as Experiments<E>;
}
