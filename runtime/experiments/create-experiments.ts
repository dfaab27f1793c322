import { describe, messageOf, quote, show } from "../describe.js";
import type { ExperimentJson, JsonValue } from "../format.js";
import { murmur3 } from "../murmur3.js";
import { documentsOf, readOptions, unitIdProblem, type ReportError } from "../options.js";
import { readExperimentParts } from "../read-document.js";
import { firstProblem } from "../read-json.js";
import type { Reason } from "../reason.js";
import { algorithmFor, weighted, type Algorithm } from "./algorithms.js";
import { boundedStore, DEFAULT_STORE_TIMEOUT_MS } from "./bounded-store.js";
import { memoryStore, type ExperimentStore } from "./store.js";

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

/** One unit's variants in every experiment, resolved once, so that picking is synchronous. */
export interface UnitPicks<E extends ExperimentTypes> {
  readonly unitId: string;
  pick<S extends SymbolName<E>>(symbol: S): SymbolValue<E, S>;
  assignment<N extends keyof E & string>(experiment: N): Assignment<E[N]["variant"]>;
}

export interface ExperimentOptions {
  /** Where state lives; an in-memory store by default. */
  readonly store?: ExperimentStore | undefined;
  /**
   * Told of every store failure, of documents that cannot be read (once, when loaded), of unit ids
   * it cannot use and of options it ignored; the call that met it still returns, with reason ERROR.
   * console.warn by default.
   */
  readonly onError?: ReportError | undefined;
  /**
   * How long one store call may take before it counts as failed (and the fallback is served):
   * 1000 ms by default. A store whose promise never settles cannot hang a pick.
   */
  readonly storeTimeoutMs?: number | undefined;
}

export interface Experiments<E extends ExperimentTypes> {
  /** Turns the experiment on (with fresh algorithm state if it had none). False if the store failed. */
  enable(experiment: keyof E & string): Promise<boolean>;
  /** Turns it off: the control is served, assignments and algorithm state are deleted. False if the store failed. */
  disable(experiment: keyof E & string): Promise<boolean>;
  isEnabled(experiment: keyof E & string): Promise<boolean>;
  /** The unit's variant, assigned and stored on first call and sticky until `complete`. */
  assign<N extends keyof E & string>(experiment: N, unitId: string): Promise<Assignment<E[N]["variant"]>>;
  /** Resolves the unit's variants in every experiment; then `pick` is synchronous. */
  forUnit(unitId: string): Promise<UnitPicks<E>>;
  /** The value of `symbol` for the unit. */
  pick<S extends SymbolName<E>>(unitId: string, symbol: S): Promise<SymbolValue<E, S>>;
  /** Rewards the unit's variant with `score` in [0, 1] and ends the assignment. */
  complete(experiment: keyof E & string, unitId: string, score: number): Promise<CompleteResult>;
}

interface Compiled {
  readonly json: ExperimentJson;
  readonly algorithm: Algorithm;
  /** Deterministic, store-free assignment, used when the store fails. */
  readonly fallback: Algorithm;
  /** Why the document cannot run, when it cannot: the control is served. */
  readonly problem?: string | undefined;
}

/** The most setTimeout takes: a longer delay fires at once. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Checks experiment documents and runs them through pyrosper's loop: enable, assign (sticky),
 * pick, complete with a score, disable. Never throws and never hangs, whatever it is given:
 * failures come back as reasons and go to `onError`.
 */
export function createExperiments<E extends ExperimentTypes = ExperimentTypes>(
  documents: readonly unknown[],
  options: ExperimentOptions = {},
): Experiments<E> {
  const { report, option } = readOptions(options);
  const timeoutMs =
    option<number>(
      "storeTimeoutMs",
      `a number of milliseconds in (0, ${MAX_TIMEOUT_MS}]`,
      (value) => typeof value === "number" && value > 0 && value <= MAX_TIMEOUT_MS,
    ) ?? DEFAULT_STORE_TIMEOUT_MS;
  const store = boundedStore(option("store", "a store", () => true) ?? memoryStore(), timeoutMs);

  const experiments = new Map<unknown, Compiled>();
  const experimentOfSymbol = new Map<unknown, Compiled>();
  for (const [index, document] of documentsOf(documents, report)) {
    const { problems, copy } = readExperimentParts(document);
    const problem = problems.length ? firstProblem(problems) : undefined;
    if (problem) report(new Error(problem), `load documents[${index}]`);
    // Without a name or variants there is nothing to serve: the experiment is unknown.
    if (copy?.name === undefined || !copy.variants) continue;
    const compiled = compile(copy as ExperimentJson, problem);
    experiments.set(copy.name, compiled);
    for (const symbol of Object.keys(copy.variants[0]!.symbols)) experimentOfSymbol.set(symbol, compiled);
  }

  const result = (experiment: Compiled, index: number, reason: Reason, message?: string): Assignment =>
    Object.freeze({
      experiment: experiment.json.name,
      variant: experiment.json.variants[index]!.name,
      index,
      reason,
      ...(message === undefined ? {} : { message }),
    });

  const attempt = async <T>(
    operation: string,
    run: () => Promise<T>,
  ): Promise<{ ok: true; value: T } | { ok: false; message: string }> => {
    try {
      return { ok: true, value: await run() };
    } catch (error) {
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
  const unitProblem = (unitId: unknown, operation: string) => {
    const problem = unitIdProblem(unitId);
    if (problem) report(new TypeError(problem), operation);
    return problem;
  };

  const readEnabled = (name: string) => attempt(`isEnabled(${quote(name)})`, () => store.isEnabled(name));

  const assign = async (name: unknown, unitId: string, unitFault: string | undefined): Promise<Assignment> => {
    const experiment = experiments.get(name);
    if (!experiment) return unknownExperiment(name);
    const problem = experiment.problem ?? unitFault;
    if (problem) return result(experiment, 0, "ERROR", problem + "; served the control");
    const { json, algorithm } = experiment;
    const enabled = await readEnabled(json.name);
    if (!enabled.ok) return result(experiment, 0, "ERROR", enabled.message + "; served the control");
    if (!enabled.value) return result(experiment, 0, "DISABLED");
    // Only a unit without a stored choice, or a failing store, needs the hash.
    const hash = () => murmur3(json.salt + ":" + unitId);
    const assigned = await attempt(`assign(${quote(json.name)}, ${quote(unitId)})`, async () => {
      const stored = await store.getAssignment(json.name, unitId);
      if (stored !== undefined && json.variants[stored]) return stored;
      // A stored index the definitions no longer have: drop it and assign afresh.
      if (stored !== undefined) await store.takeAssignment(json.name, unitId);
      const arms = algorithm.usesStats ? await store.getArms(json.name) : [];
      const chosen = await store.assignIfAbsent(json.name, unitId, algorithm.choose({ arms, hash: hash() }));
      if (!json.variants[chosen]) throw new RangeError(`assignIfAbsent answered ${chosen}, not a variant`);
      return chosen;
    });
    return assigned.ok
      ? result(experiment, assigned.value, "SPLIT")
      : result(
          experiment,
          experiment.fallback.choose({ arms: [], hash: hash() }),
          "ERROR",
          assigned.message + "; assigned without the store",
        );
  };

  const valueOf = (assignment: Assignment, symbol: string): JsonValue | undefined => {
    const variants = experiments.get(assignment.experiment)!.json.variants;
    const { symbols } = variants[assignment.index]!;
    // A symbol the variant lacks (which the compiler rejects) is the control's.
    return (Object.hasOwn(symbols, symbol) ? symbols : variants[0]!.symbols)[symbol];
  };

  const setEnabled = async (name: unknown, enabled: boolean) => {
    const experiment = experiments.get(name);
    if (!experiment) return false;
    const { json } = experiment;
    const operation = `${enabled ? "enable" : "disable"}(${quote(json.name)})`;
    return (
      await attempt(operation, () =>
        enabled ? store.enable(json.name, json.variants.length) : store.disable(json.name),
      )
    ).ok;
  };

  const notRewarded = (message: string): CompleteResult => Object.freeze({ rewarded: false, message });

  const client: Experiments<ExperimentTypes> = {
    enable: (name) => setEnabled(name, true),
    disable: (name) => setEnabled(name, false),
    isEnabled: async (name) => {
      const enabled = experiments.has(name) && (await readEnabled(name));
      return enabled && enabled.ok && enabled.value;
    },
    assign: (name, unitId) => assign(name, unitId, unitProblem(unitId, `assign(${show(name)})`)),
    forUnit: async (unitId) => {
      const unitFault = unitProblem(unitId, "forUnit");
      const assignments = new Map<unknown, Assignment>();
      await Promise.all(
        [...experiments.keys()].map(async (name) => assignments.set(name, await assign(name, unitId, unitFault))),
      );
      const picks: UnitPicks<ExperimentTypes> = {
        unitId,
        assignment: (name) => assignments.get(name) ?? unknownExperiment(name),
        pick: (symbol) => {
          const experiment = experimentOfSymbol.get(symbol);
          const assignment = experiment && assignments.get(experiment.json.name);
          return (assignment && valueOf(assignment, symbol)) as never;
        },
      };
      return Object.freeze(picks);
    },
    pick: async (unitId, symbol) => {
      const experiment = experimentOfSymbol.get(symbol);
      if (!experiment) return undefined as never;
      const name = experiment.json.name;
      return valueOf(await assign(name, unitId, unitProblem(unitId, `pick(${show(symbol)})`)), symbol) as never;
    },
    complete: async (name, unitId, score) => {
      const experiment = experiments.get(name);
      if (!experiment) return notRewarded(`unknown experiment ${show(name)}`);
      const unitFault = unitProblem(unitId, `complete(${quote(name)})`);
      if (unitFault) return notRewarded(unitFault);
      if (typeof score !== "number" || !(score >= 0 && score <= 1))
        return notRewarded(`score must be a number in [0, 1], got ${describe(score)}`);
      const { variants } = experiment.json;
      const completed = await attempt(`complete(${quote(name)}, ${quote(unitId)})`, async () => {
        const taken = await store.takeAssignment(name, unitId);
        // A taken index the definitions no longer have rewards nothing.
        if (taken !== undefined && variants[taken]) await store.reward(name, taken, score);
        return taken;
      });
      if (!completed.ok) return notRewarded(completed.message);
      const variant = completed.value === undefined ? undefined : variants[completed.value];
      if (!variant) return notRewarded(`${quote(unitId)} has no assignment in ${quote(name)}`);
      return Object.freeze({ rewarded: true, variant: variant.name });
    },
  };
  return client as unknown as Experiments<E>;
}

/** An experiment ready to run; one with a `problem` serves its control. */
function compile(json: ExperimentJson, problem: string | undefined): Compiled {
  const names = json.variants.map((variant) => variant.name);
  const fallback = weighted(names.map(() => 1));
  const algorithm = (!problem && algorithmFor(json.algorithm, names)) || fallback;
  return { json, algorithm, fallback: algorithm.usesStats ? fallback : algorithm, problem };
}
