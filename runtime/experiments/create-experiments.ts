import { FORMAT_VERSION, type ExperimentJson, type JsonValue } from "../format.js";
import { freeze } from "../freeze.js";
import { murmur3 } from "../murmur3.js";
import type { Reason } from "../reason.js";
import { algorithmFor, weighted, type Algorithm } from "./algorithms.js";
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
  readonly store?: ExperimentStore;
  /** Told of every store failure; the call that met it still returns, with reason ERROR. */
  readonly onError?: (error: unknown, operation: string) => void;
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
  readonly problem?: string;
}

/**
 * Runs experiments through pyrosper's loop: enable, assign (sticky), pick, complete with a
 * score, disable. Never throws: failures come back as reasons and go to `onError`.
 */
export function createExperiments<E extends ExperimentTypes = ExperimentTypes>(
  documents: readonly unknown[],
  options: ExperimentOptions = {},
): Experiments<E> {
  const store = options.store ?? memoryStore();
  const onError =
    options.onError ??
    ((error, operation) =>
      (globalThis as { console?: { warn(...data: unknown[]): void } }).console?.warn(
        `prosper: ${operation} failed:`,
        error,
      ));
  const report = (error: unknown, operation: string) => {
    try {
      onError(error, operation);
    } catch {
      // A failing error reporter must not turn a handled store failure into an application crash.
    }
  };
  const experiments = new Map<string, Compiled>();
  const experimentOfSymbol = new Map<string, Compiled>();
  for (const document of documents) {
    const compiled = compile(document as ExperimentJson);
    experiments.set(compiled.json.name, compiled);
    for (const symbol of Object.keys(compiled.json.variants[0]?.symbols ?? {}))
      experimentOfSymbol.set(symbol, compiled);
  }

  const result = (experiment: Compiled, index: number, reason: Reason, message?: string): Assignment => ({
    experiment: experiment.json.name,
    variant: experiment.json.variants[index]?.name ?? "",
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
      return { ok: false, message: `${operation} failed: ${(error as Error)?.message ?? error}` };
    }
  };

  const unknownExperiment = (name: string): Assignment => ({
    experiment: name,
    variant: "",
    index: 0,
    reason: "ERROR",
    message: `unknown experiment "${name}"`,
  });

  const readEnabled = (name: string) => attempt(`isEnabled("${name}")`, () => store.isEnabled(name));

  const assign = async (name: string, unitId: string): Promise<Assignment> => {
    const experiment = experiments.get(name);
    if (!experiment) return unknownExperiment(name);
    if (experiment.problem) return result(experiment, 0, "ERROR", experiment.problem);
    const { json, algorithm } = experiment;
    const enabled = await readEnabled(name);
    if (!enabled.ok) return result(experiment, 0, "ERROR", enabled.message + "; served the control");
    if (!enabled.value) return result(experiment, 0, "DISABLED");
    // Only a unit without a stored choice, or a failing store, needs the hash.
    const hash = () => murmur3(json.salt + ":" + unitId);
    const assigned = await attempt(`assign("${name}", "${unitId}")`, async () => {
      const stored = await store.getAssignment(name, unitId);
      if (stored !== undefined && json.variants[stored]) return stored;
      // A stored index the definitions no longer have: drop it and assign afresh.
      if (stored !== undefined) await store.takeAssignment(name, unitId);
      const arms = algorithm.usesStats ? await store.getArms(name) : [];
      return store.assignIfAbsent(name, unitId, algorithm.choose({ arms, hash: hash() }));
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

  const valueOf = (assignment: Assignment, symbol: string): JsonValue | undefined =>
    experiments.get(assignment.experiment)?.json.variants[assignment.index]?.symbols[symbol];

  const setEnabled = async (name: string, enabled: boolean) => {
    const experiment = experiments.get(name);
    if (!experiment) return false;
    const operation = `${enabled ? "enable" : "disable"}("${name}")`;
    return (
      await attempt(operation, () =>
        enabled ? store.enable(name, experiment.json.variants.length) : store.disable(name),
      )
    ).ok;
  };

  const client: Experiments<ExperimentTypes> = {
    enable: (name) => setEnabled(name, true),
    disable: (name) => setEnabled(name, false),
    isEnabled: async (name) => {
      const enabled = await readEnabled(name);
      return enabled.ok && enabled.value;
    },
    assign,
    forUnit: async (unitId) => {
      const assignments = new Map<string, Assignment>();
      await Promise.all([...experiments.keys()].map(async (name) => assignments.set(name, await assign(name, unitId))));
      return {
        unitId,
        assignment: (name) => assignments.get(name) ?? unknownExperiment(name),
        pick: (symbol) => {
          const experiment = experimentOfSymbol.get(symbol);
          const assignment = experiment && assignments.get(experiment.json.name);
          return (assignment && valueOf(assignment, symbol)) as never;
        },
      };
    },
    pick: async (unitId, symbol) => {
      const experiment = experimentOfSymbol.get(symbol);
      if (!experiment) return undefined as never;
      return valueOf(await assign(experiment.json.name, unitId), symbol) as never;
    },
    complete: async (name, unitId, score) => {
      const experiment = experiments.get(name);
      if (!experiment) return { rewarded: false, message: `unknown experiment "${name}"` };
      if (typeof score !== "number" || !(score >= 0 && score <= 1)) {
        return { rewarded: false, message: `score must be a number in [0, 1], got ${JSON.stringify(score) ?? score}` };
      }
      const completed = await attempt(`complete("${name}", "${unitId}")`, async () => {
        const taken = await store.takeAssignment(name, unitId);
        if (taken !== undefined) await store.reward(name, taken, score);
        return taken;
      });
      if (!completed.ok) return { rewarded: false, message: completed.message };
      if (completed.value === undefined)
        return { rewarded: false, message: `"${unitId}" has no assignment in "${name}"` };
      return { rewarded: true, variant: experiment.json.variants[completed.value]?.name ?? "" };
    },
  };
  return client as unknown as Experiments<E>;
}

function compile(json: ExperimentJson): Compiled {
  if (!Array.isArray(json?.variants) || !json.variants.length) {
    const empty: ExperimentJson = {
      formatVersion: FORMAT_VERSION,
      kind: "experiment",
      name: String(json?.name),
      salt: "",
      algorithm: { kind: "random" },
      variants: [],
    };
    const none = weighted([]);
    return { json: empty, algorithm: none, fallback: none, problem: `experiment "${empty.name}" has no variants` };
  }
  freeze(json);
  const names = json.variants.map((variant) => variant.name);
  const fallback = weighted(names.map(() => 1));
  const algorithm = json.formatVersion === FORMAT_VERSION ? algorithmFor(json.algorithm, names) : undefined;
  if (!algorithm) {
    const why =
      json.formatVersion === FORMAT_VERSION
        ? `unknown algorithm "${json.algorithm?.kind}"`
        : `format version ${json.formatVersion}, expected ${FORMAT_VERSION}`;
    return {
      json,
      algorithm: fallback,
      fallback,
      problem: `experiment "${json.name}" cannot run: ${why}; served the control`,
    };
  }
  return { json, algorithm, fallback: algorithm.usesStats ? fallback : algorithm };
}
