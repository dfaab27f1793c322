import { describe, messageOf, quote, show } from "../describe.js";
import type { ExperimentJson, JsonValue } from "../format.js";
import { freeze } from "../freeze.js";
import { murmur3 } from "../murmur3.js";
import { documentsOf, readOptions, unitIdProblem, type ReportError } from "../options.js";
import { readExperimentParts } from "../read-document.js";
import { firstProblem } from "../read-json.js";
import type { Reason } from "../reason.js";
import { chooserFor, uniform, unitRandom, type Algorithm, type Chooser } from "./algorithms.js";
import { assignmentWrites, type WriteOutcome } from "./assignment-writes.js";
import { boundedStore, deadline, DEFAULT_STORE_TIMEOUT_MS, StoreTimeout } from "./bounded-store.js";
import { variantResults, type ExperimentResults } from "./results.js";
import { DEFAULT_STATS_REFRESH_MS, statsCache } from "./stats-cache.js";
import { memoryStore, type ExperimentStore, type UnitExperimentState } from "./store.js";

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
  /** Per variant: assignments, completions, mean score with a 95% interval, and P(best) for Thompson. */
  results(experiment: keyof E & string): Promise<ExperimentResults>;
  /** Resolves when every assignment made so far has been written (or has failed). */
  flush(): Promise<void>;
}

interface Compiled {
  readonly json: ExperimentJson;
  readonly names: readonly string[];
  /** Undefined when the experiment cannot run (see `problem`): the control is served. */
  readonly chooser: Chooser | undefined;
  /** Deterministic, store-free assignment, used when the store fails. */
  readonly fallback: Chooser;
  readonly problem?: string | undefined;
}

/** What the one round trip said about an experiment for a unit, or why it said nothing. */
type Seen =
  { readonly ok: true; readonly state: UnitExperimentState } | { readonly ok: false; readonly message: string };

/** The most setTimeout takes: a longer delay fires at once. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Checks experiment documents and runs them through pyrosper's loop, learning from the scores:
 * enable, assign (sticky), pick, complete with a score, disable. Never throws and never hangs,
 * whatever it is given: failures come back as reasons and go to `onError`.
 */
export function createExperiments<E extends ExperimentTypes = ExperimentTypes>(
  documents: readonly unknown[],
  options: ExperimentOptions<E> = {},
): Experiments<E> {
  const { report, option } = readOptions(options);
  const timeoutMs =
    option<number>(
      "storeTimeoutMs",
      `a number of milliseconds in (0, ${MAX_TIMEOUT_MS}]`,
      (value) => typeof value === "number" && value > 0 && value <= MAX_TIMEOUT_MS,
    ) ?? DEFAULT_STORE_TIMEOUT_MS;
  const store = boundedStore(option("store", "a store", () => true) ?? memoryStore(), timeoutMs);
  const refreshMs =
    option<number>(
      "statsRefreshMs",
      "a number of milliseconds, 0 or more",
      (value) => typeof value === "number" && value >= 0 && value <= Number.MAX_SAFE_INTEGER,
    ) ?? DEFAULT_STATS_REFRESH_MS;
  const random = drawer(
    option("random", "a function", (value) => typeof value === "function"),
    report,
  );
  const algorithms = option<object>("algorithms", "an object", (value) => typeof value === "object" && value !== null);
  const onExposure = option<(exposure: Exposure) => void>(
    "onExposure",
    "a function",
    (value) => typeof value === "function",
  );
  const cache = statsCache(refreshMs, () => Date.now());
  const writes = assignmentWrites(store, report);
  /** Whether each experiment was enabled when the store last answered: what a failing store falls back on. */
  const lastEnabled = new Map<string, boolean>();
  const forcedForAll = new Map<string, number>();
  const forcedForUnit = new Map<string, Map<string, number>>();

  const registered = (name: string): Algorithm | undefined => {
    try {
      const found = Object.hasOwn(algorithms ?? {}, name) ? (algorithms as Record<string, unknown>)[name] : undefined;
      return typeof (found as Algorithm | undefined)?.choose === "function" ? (found as Algorithm) : undefined;
    } catch (error) {
      report(error, `options.algorithms[${quote(name)}]`);
      return undefined;
    }
  };

  const experiments = new Map<unknown, Compiled>();
  const experimentOfSymbol = new Map<unknown, Compiled>();
  for (const [index, document] of documentsOf(documents, report)) {
    const { problems, copy } = readExperimentParts(document);
    let problem = problems.length ? firstProblem(problems) : undefined;
    if (problem) report(new Error(problem), `load documents[${index}]`);
    // Without a name or variants there is nothing to serve: the experiment is unknown.
    if (copy?.name === undefined || !copy.variants) continue;
    const json = copy as ExperimentJson;
    const names = json.variants.map((variant) => variant.name);
    const chooser = problem ? undefined : chooserFor(json.algorithm, names, registered);
    if (!problem && !chooser) {
      const name = (json.algorithm as { name: string }).name;
      problem = `algorithm ${quote(name)} is not registered: pass createExperiments({ algorithms: { ${quote(name)}: ... } })`;
      report(new Error(problem), `load ${quote(json.name)}`);
    }
    const compiled: Compiled = { json, names, chooser, fallback: uniform(names.length), problem };
    experiments.set(json.name, compiled);
    for (const symbol of Object.keys(json.variants[0]!.symbols)) experimentOfSymbol.set(symbol, compiled);
  }
  /** The experiments that can run, whose state a unit's round trip reads. */
  const runnable = [...experiments.values()].filter((experiment) => experiment.chooser);

  const result = (experiment: Compiled, index: number, reason: Reason, message?: string): Assignment =>
    Object.freeze({
      experiment: experiment.json.name,
      variant: experiment.names[index]!,
      index,
      reason,
      ...(message === undefined ? {} : { message }),
    });

  /** Runs a store operation; `label` names it, built only when it fails (a hot path builds no strings). */
  const attempt = async <T>(
    label: () => string,
    run: () => Promise<T> | T,
  ): Promise<{ ok: true; value: T } | { ok: false; message: string }> => {
    try {
      return { ok: true, value: await run() };
    } catch (error) {
      const operation = label();
      report(error, operation);
      return { ok: false, message: `${operation} failed: ${messageOf(error)}` };
    }
  };

  const unknownExperiment = (name: unknown): Assignment =>
    Object.freeze({
      experiment: name as string,
      variant: "",
      index: 0,
      reason: "ERROR",
      message: `unknown experiment ${show(name)}`,
    });

  /** Why `unitId` cannot be used, reported once per call; then the control is served and nothing is stored. */
  const unitProblem = (unitId: unknown, operation: () => string) => {
    const problem = unitIdProblem(unitId);
    if (problem) report(new TypeError(problem), operation());
    return problem;
  };

  const forcedIndex = (name: string, unitId: string) => forcedForUnit.get(name)?.get(unitId) ?? forcedForAll.get(name);

  /** Reads the state of `experiments` for the unit in one round trip, refreshing the statistics that are due. */
  const readUnit = async (unitId: string, wanted: readonly Compiled[], operation: () => string) => {
    const names = wanted.map((experiment) => experiment.json.name);
    const due = wanted.filter((experiment) => experiment.chooser!.usesStats && cache.due(experiment.json.name));
    const read = await attempt(operation, async () => {
      const answer = await store.readUnit(
        unitId,
        names,
        due.map((experiment) => experiment.json.name),
      );
      // Copied once, inside the attempt: the answer's checks passed, but it is still the store's object.
      due.forEach((experiment, index) => cache.set(experiment.json.name, answer.stats[index]!));
      return answer.experiments.map(({ enabled, variant }) => ({ enabled, variant }));
    });
    const seen = new Map<string, Seen>();
    names.forEach((name, index) => {
      if (!read.ok) return seen.set(name, read);
      const state = read.value[index]!;
      lastEnabled.set(name, state.enabled);
      seen.set(name, { ok: true, state });
    });
    return seen;
  };

  /**
   * The unit's variant in `experiment`, given what the store said. A unit without a current
   * variant is assigned one, served at once, and written in the background; `onStored` hears
   * what the store kept (another process's variant, if it assigned the unit first).
   */
  const serve = (
    experiment: Compiled,
    unitId: string,
    seen: Seen | undefined,
    onStored: (kept: Assignment) => void,
  ): { assignment: Assignment; write?: Promise<WriteOutcome> } => {
    const { json, names, chooser, problem } = experiment;
    const forced = forcedIndex(json.name, unitId);
    if (forced !== undefined) return { assignment: result(experiment, forced, "FORCED") };
    if (problem || !chooser) return { assignment: result(experiment, 0, "ERROR", problem + "; served the control") };
    if (!seen) return { assignment: result(experiment, 0, "ERROR", "served the control") };
    const hash = () => murmur3(json.salt + ":" + unitId);
    if (!seen.ok)
      return {
        assignment: lastEnabled.get(json.name)
          ? result(
              experiment,
              experiment.fallback.choose([], unitRandom(hash())),
              "ERROR",
              seen.message + "; assigned without the store",
            )
          : result(experiment, 0, "ERROR", seen.message + "; served the control"),
      };
    if (!seen.state.enabled) return { assignment: result(experiment, 0, "DISABLED") };
    const stored = seen.state.variant === undefined ? -1 : names.indexOf(seen.state.variant);
    if (stored >= 0) return { assignment: result(experiment, stored, "SPLIT") };
    // No variant yet, or one the definitions no longer have: choose one.
    const arms = chooser.usesStats
      ? cache.get(json.name, names).map((arm, index) => ({ ...arm, name: names[index]! }))
      : [];
    let chosen: unknown;
    try {
      chosen = chooser.choose(arms, unitRandom(hash()));
      if (!(Number.isInteger(chosen) && names[chosen as number] !== undefined))
        throw new RangeError(`chose ${describe(chosen)}, not the index of one of ${names.length} variants`);
    } catch (error) {
      report(error, `algorithm ${quote(json.algorithm.kind === "custom" ? json.algorithm.name : json.algorithm.kind)}`);
      return {
        assignment: result(experiment, 0, "ERROR", `the algorithm failed: ${messageOf(error)}; served the control`),
      };
    }
    const variant = names[chosen as number]!;
    // Counted at once, so that units assigned before their scores arrive spread over the variants.
    if (chooser.usesStats) cache.add(json.name, variant, { assigned: 1 });
    const write = writes.assign({ experiment: json.name, unitId, variant, variants: names });
    void write.then((answer) => {
      if ("failed" in answer) return;
      if (answer.stored) exposed({ experiment: json.name, variant, unitId });
      else if (answer.variant !== variant && names.includes(answer.variant))
        onStored(result(experiment, names.indexOf(answer.variant), "SPLIT"));
    });
    return { assignment: result(experiment, chosen as number, "SPLIT"), write };
  };

  const exposed = (exposure: Exposure) => {
    try {
      onExposure?.(Object.freeze(exposure));
    } catch (error) {
      report(error, "onExposure");
    }
  };

  const valueOf = (assignment: Assignment, symbol: string): JsonValue | undefined => {
    const variants = experiments.get(assignment.experiment)!.json.variants;
    const { symbols } = variants[assignment.index]!;
    // A symbol the variant lacks (which the compiler rejects) is the control's.
    return (Object.hasOwn(symbols, symbol) ? symbols : variants[0]!.symbols)[symbol];
  };

  /** Picks over assignments made on demand by `assignmentOf`, each at most once. */
  const unitPicks = (
    unitId: string,
    assignmentOf: (experiment: Compiled, keep: (kept: Assignment) => void) => Assignment,
  ) => {
    const made = new Map<unknown, Assignment>();
    const assignment = (name: unknown) => {
      const experiment = experiments.get(name);
      if (!experiment) return unknownExperiment(name);
      let found = made.get(name);
      if (!found) made.set(name, (found = assignmentOf(experiment, (kept) => made.set(name, kept))));
      return found;
    };
    const picks: UnitPicks<ExperimentTypes> = {
      unitId,
      assignment: assignment as UnitPicks<ExperimentTypes>["assignment"],
      pick: (symbol) => {
        const experiment = experimentOfSymbol.get(symbol);
        return (experiment && valueOf(assignment(experiment.json.name), symbol)) as never;
      },
    };
    return Object.freeze(picks);
  };

  const assign = async (name: unknown, unitId: string, operation: () => string): Promise<Assignment> => {
    const experiment = experiments.get(name);
    if (!experiment) return unknownExperiment(name);
    const unitFault = unitProblem(unitId, operation);
    if (unitFault) return result(experiment, 0, "ERROR", unitFault + "; served the control");
    const budget = deadline(timeoutMs);
    const needsStore = experiment.chooser && forcedIndex(experiment.json.name, unitId) === undefined;
    const seen = needsStore
      ? (await readUnit(unitId, [experiment], () => `${operation()} for ${quote(unitId)}`)).get(experiment.json.name)
      : undefined;
    let kept: Assignment | undefined;
    const { assignment, write } = serve(experiment, unitId, seen, (stored) => (kept = stored));
    if (!write) return assignment;
    // The read and the write share one timeout: a store that stalls cannot make this take two.
    // Not reported here: a write that fails is reported with its batch, and one that lands late did not fail.
    const outcome = await budget
      .within(write, "assign")
      .catch((error: unknown) => ({ failed: `the assignment was not confirmed in time (${messageOf(error)})` }));
    // Not stored, so not sticky: say so, as every other store failure does.
    if ("failed" in outcome)
      return result(experiment, assignment.index, "ERROR", outcome.failed + "; served without storing it");
    return kept ?? assignment;
  };

  const setEnabled = async (name: unknown, enabled: boolean) => {
    const experiment = experiments.get(name);
    if (!experiment) return false;
    const { json } = experiment;
    const operation = `${enabled ? "enable" : "disable"}(${quote(json.name)})`;
    await writes.settled();
    const done = await attempt(
      () => operation,
      () => (enabled ? store.enable(json.name) : store.disable(json.name)),
    );
    cache.forget(json.name);
    if (done.ok) lastEnabled.set(json.name, enabled);
    return done.ok;
  };

  const notRewarded = (message: string): CompleteResult => Object.freeze({ rewarded: false, message });

  const client: Experiments<ExperimentTypes> = {
    enable: (name) => setEnabled(name, true),
    disable: (name) => setEnabled(name, false),
    isEnabled: async (name) => {
      const enabled =
        experiments.has(name) &&
        (await attempt(
          () => `isEnabled(${quote(name)})`,
          () => store.isEnabled(name),
        ));
      return enabled && enabled.ok && enabled.value;
    },
    assign: (name, unitId) => assign(name, unitId, () => `assign(${show(name)})`),
    forUnit: async (unitId) => {
      const unitFault = unitProblem(unitId, () => "forUnit");
      const seen =
        unitFault || !runnable.length ? undefined : await readUnit(unitId, runnable, () => `forUnit(${quote(unitId)})`);
      return unitPicks(unitId, (experiment, keep) =>
        unitFault
          ? result(experiment, 0, "ERROR", unitFault + "; served the control")
          : serve(experiment, unitId, seen?.get(experiment.json.name), keep).assignment,
      ) as UnitPicks<ExperimentTypes>;
    },
    pick: async (unitId, symbol) => {
      const experiment = experimentOfSymbol.get(symbol);
      if (!experiment) return undefined as never;
      return valueOf(await assign(experiment.json.name, unitId, () => `pick(${show(symbol)})`), symbol) as never;
    },
    controls: () => unitPicks("", (experiment) => result(experiment, 0, "DEFAULT", "no unit: served the control")),
    complete: async (name, unitId, score) => {
      const experiment = experiments.get(name);
      if (!experiment) return notRewarded(`unknown experiment ${show(name)}`);
      const operation = () => `complete(${quote(name)}, ${show(unitId)})`;
      const unitFault = unitProblem(unitId, operation);
      if (unitFault) return notRewarded(unitFault);
      if (typeof score !== "number" || !(score >= 0 && score <= 1)) {
        const message = `score must be a finite number in [0, 1], got ${describe(score)}; nothing was stored`;
        report(new RangeError(message), operation());
        return notRewarded(message);
      }
      const forced = forcedIndex(name, unitId);
      if (forced !== undefined)
        return notRewarded(
          `${quote(unitId)} is forced to ${quote(experiment.names[forced]!)}; forced variants are not rewarded`,
        );
      // An assignment still being written must be in the store before it can be completed; the
      // wait and the completion share one timeout.
      const budget = deadline(timeoutMs);
      const success = random() < score ? 1 : 0;
      let timedOut = false;
      const completed = await attempt(operation, async () => {
        try {
          await budget.within(writes.settled(), "waiting for the assignment's write");
          return await budget.within(store.complete(name, unitId, { score, success }, experiment.names), "complete");
        } catch (error) {
          timedOut = error instanceof StoreTimeout;
          throw error;
        }
      });
      // A call that timed out is not cancelled: the server may still apply it.
      if (!completed.ok) return notRewarded(completed.message + (timedOut ? "; the reward may still be stored" : ""));
      const taken = completed.value;
      if (taken === undefined) return notRewarded(`${quote(unitId)} has no assignment in ${quote(name)}`);
      if (!experiment.names.includes(taken))
        return notRewarded(`${quote(unitId)} was assigned ${quote(taken)}, which ${quote(name)} no longer has`);
      if (experiment.chooser?.usesStats) cache.add(name, taken, { count: 1, sum: score, successes: success });
      return Object.freeze({ rewarded: true, variant: taken });
    },
    force: (name, variant, unitId) => {
      const experiment = experiments.get(name);
      const index = variant === undefined ? -1 : (experiment?.names.indexOf(variant) ?? -1);
      const problem = !experiment
        ? `unknown experiment ${show(name)}`
        : variant !== undefined && index < 0
          ? `${quote(name)} has no variant ${show(variant)}`
          : unitId !== undefined && unitIdProblem(unitId);
      if (problem) {
        report(new RangeError(problem), `force(${show(name)}, ${show(variant)})`);
        return false;
      }
      const forced = unitId === undefined ? forcedForAll : (forcedForUnit.get(name) ?? new Map<string, number>());
      if (unitId !== undefined) forcedForUnit.set(name, forced as Map<string, number>);
      if (index < 0) forced.delete(unitId ?? name);
      else forced.set(unitId ?? name, index);
      return true;
    },
    results: async (name) => {
      const experiment = experiments.get(name);
      if (!experiment)
        return Object.freeze({
          experiment: name,
          algorithm: "",
          enabled: false,
          variants: [],
          message: `unknown experiment ${show(name)}`,
        });
      const { json, names, chooser } = experiment;
      await writes.settled();
      // A document that cannot run may lack a readable algorithm; its stored statistics still count.
      const kind = json.algorithm?.kind ?? "";
      const read = await attempt(
        () => `results(${quote(name)})`,
        async () => {
          const [enabled, [stats]] = await Promise.all([store.isEnabled(name), store.readStats([name])]);
          if (chooser?.usesStats) cache.set(name, stats!);
          return { enabled, variants: variantResults(names, stats!, kind === "thompson") };
        },
      );
      const base = { experiment: json.name, algorithm: kind };
      return freeze(
        read.ok
          ? { ...base, ...read.value }
          : { ...base, enabled: false, variants: variantResults(names, {}, false), message: read.message },
      );
    },
    flush: () => writes.settled(),
  };

  try {
    for (const [name, variant] of Object.entries(
      option<object>("forced", "an object of variants", (value) => typeof value === "object" && value !== null) ?? {},
    ))
      client.force(name, variant, undefined);
  } catch (error) {
    report(error, "options.forced");
  }
  return client as unknown as Experiments<E>;
}

/** Uniform numbers from the application's `random`, checked: Math.random's where it fails (the first failure is reported). */
function drawer(random: (() => unknown) | undefined, report: ReportError): () => number {
  let reported = false;
  return () => {
    try {
      const value = random?.();
      if (random === undefined || (typeof value === "number" && value >= 0 && value < 1))
        return random ? (value as number) : Math.random();
      throw new RangeError(`random() returned ${describe(value)}, not a number in [0, 1)`);
    } catch (error) {
      if (!reported) report(error, "options.random");
      reported = true;
      return Math.random();
    }
  };
}
