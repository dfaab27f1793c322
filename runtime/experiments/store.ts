/**
 * One variant's statistics, as the store keeps them. Every field only ever grows, by atomic
 * increments, so that many processes sharing a store never lose one another's counts.
 */
export interface ArmStats {
  /** Assignments made to the variant (a unit assigned again after `complete` counts again). */
  readonly assigned: number;
  /** Scores received (completions). */
  readonly count: number;
  /** The sum of those scores, each in [0, 1]. */
  readonly sum: number;
  /** How many of those scores won their Bernoulli(score) draw: what Thompson sampling learns from. */
  readonly successes: number;
}

/** Statistics by variant name. A variant that has none yet is absent and reads as all zeros. */
export type ExperimentStats = { readonly [variant: string]: ArmStats };

/** One experiment as a unit sees it. */
export interface UnitExperimentState {
  readonly enabled: boolean;
  /** The unit's stored variant name, if it has one; it may name a variant the definitions no longer have. */
  readonly variant?: string | undefined;
}

/** What `readUnit` gives: everything resolving one unit needs, read in one round trip. */
export interface UnitRead {
  /** In the order of the experiments asked for. */
  readonly experiments: readonly UnitExperimentState[];
  /** In the order of the experiments whose statistics were asked for. */
  readonly stats: readonly ExperimentStats[];
}

export interface AssignRequest {
  readonly experiment: string;
  readonly unitId: string;
  readonly variant: string;
  /**
   * The experiment's variants now. A stored variant outside this list (removed from the definitions)
   * is replaced by `variant`; one inside it wins, because another process assigned the unit first.
   */
  readonly variants: readonly string[];
}

export interface AssignResult {
  /** The variant the unit has in the store after the call. */
  readonly variant: string;
  /** Whether this call stored it (and counted it in `assigned`): false when the unit already had one or the experiment is off. */
  readonly stored: boolean;
}

export interface Reward {
  /** In [0, 1]. */
  readonly score: number;
  /** The outcome of a Bernoulli(score) draw, made by the caller: 1 or 0. */
  readonly success: 0 | 1;
}

/**
 * Where experiment state lives: enabled flags, assignments (unit → variant name) and statistics
 * (variant name → counts). It follows pyrosper's storage methods, keyed by variant name so that
 * reordering, adding or removing variants never moves one variant's counts to another, and with
 * three rules for sharing one store between many processes:
 * - every write is atomic: an assignment is set-if-absent, a completion takes the assignment and
 *   adds its reward in one step, and statistics only grow by increments;
 * - resolving a unit is one round trip (`readUnit`), however many experiments there are;
 * - writes to an experiment that is not enabled change nothing, so a pick or a completion still
 *   in flight when the experiment is disabled cannot bring its state back.
 */
export interface ExperimentStore {
  isEnabled(experiment: string): Promise<boolean>;
  /** Marks the experiment enabled. Its statistics start from whatever is stored (nothing, after `disable`). */
  enable(experiment: string): Promise<void>;
  /** Marks the experiment disabled and deletes its assignments and statistics. */
  disable(experiment: string): Promise<void>;
  /**
   * For each of `experiments`, whether it is enabled and the unit's stored variant; and the
   * statistics of each of `stats` (experiments whose cached statistics are due a refresh).
   */
  readUnit(unitId: string, experiments: readonly string[], stats: readonly string[]): Promise<UnitRead>;
  /** Stores each assignment unless the unit already has a current one; one answer per request, in order. */
  assign(requests: readonly AssignRequest[]): Promise<readonly AssignResult[]>;
  /**
   * Ends the unit's assignment and, if its variant is one of `variants` and the experiment is
   * enabled, adds `reward` to that variant's statistics: all one atomic step. Returns the variant
   * the unit had, if any (so exactly one of two racing completions gets it).
   */
  complete(
    experiment: string,
    unitId: string,
    reward: Reward,
    variants: readonly string[],
  ): Promise<string | undefined>;
  /** The statistics of each experiment, in order. */
  readStats(experiments: readonly string[]): Promise<readonly ExperimentStats[]>;
}

/** A variant's statistics before anything happened to it. */
export const NO_STATS: ArmStats = Object.freeze({ assigned: 0, count: 0, sum: 0, successes: 0 });

/** Adds `change` to the statistics of `variant` in `stats` (absent: all zeros). */
export function addStats(stats: Map<string, ArmStats>, variant: string, change: Partial<ArmStats>): void {
  const arm = stats.get(variant) ?? NO_STATS;
  stats.set(variant, {
    assigned: arm.assigned + (change.assigned ?? 0),
    count: arm.count + (change.count ?? 0),
    sum: arm.sum + (change.sum ?? 0),
    successes: arm.successes + (change.successes ?? 0),
  });
}

/** The store methods the engine calls on a hot path, answering at once: the memory store has them. */
export interface DirectStore {
  /** The store these methods are the direct path of: a copy of it (`{ ...store, readUnit }`) is not. */
  readonly of: ExperimentStore;
  readUnit(unitId: string, experiments: readonly string[], stats: readonly string[]): UnitRead;
  assign(requests: readonly AssignRequest[]): readonly AssignResult[];
}

/**
 * Where the memory store keeps its `DirectStore`: the engine calls it without a timeout or an
 * answer check, since it cannot hang or answer nonsense. A symbol of this module only: no other
 * store can claim the unchecked path (a memory store from another bundle of the runtime, or
 * another version, is called as any store is).
 */
export const DIRECT = /* @__PURE__ */ Symbol("prosper.directStore");

const isEmpty = (record: object) => {
  for (const _ in record) return false;
  return true;
};

/** The embedded store: state in this process's memory, gone when it exits. */
export function memoryStore(): ExperimentStore {
  /** The enabled experiments (disabling deletes one), each with its statistics by variant name: no prototype, so any name is a plain key. */
  const experiments = new Map<string, Record<string, ArmStats>>();
  /** Unit → experiment → variant: a unit's round trip is one lookup, however many experiments there are. */
  const units = new Map<string, Record<string, string>>();
  const statsOf = (name: string): ExperimentStats => ({ ...experiments.get(name) });
  /** Adds to the statistics of `variant`. */
  const add = (
    stats: Record<string, ArmStats>,
    variant: string,
    assigned: number,
    count: number,
    sum: number,
    successes: number,
  ) => {
    const arm = stats[variant] ?? NO_STATS;
    stats[variant] = {
      assigned: arm.assigned + assigned,
      count: arm.count + count,
      sum: arm.sum + sum,
      successes: arm.successes + successes,
    };
  };
  // The unit last read: a new unit's assignment follows its read, and a lookup in a big Map costs a cache miss.
  let lastId: string | undefined;
  let last: Record<string, string> | undefined;
  const forget = (unitId: string) => {
    units.delete(unitId);
    // The remembered record is the one just dropped: an assignment must not go into it.
    if (unitId === lastId) last = undefined;
  };
  const direct: { -readonly [K in keyof DirectStore]: DirectStore[K] } = {
    of: undefined as never,
    readUnit: (unitId, names, stats) => {
      const unit = (last = units.get((lastId = unitId)));
      return {
        experiments: names.map((name) =>
          experiments.has(name) ? { enabled: true, variant: unit?.[name] } : { enabled: false },
        ),
        stats: stats.map(statsOf),
      };
    },
    assign: (requests) =>
      requests.map(({ experiment, unitId, variant, variants }) => {
        const found = experiments.get(experiment);
        if (!found) return { variant, stored: false };
        let unit = unitId === lastId ? last : units.get(unitId);
        if (!unit) units.set(unitId, (unit = Object.create(null) as Record<string, string>));
        if (unitId === lastId) last = unit;
        const existing = unit[experiment];
        if (existing !== undefined && variants.includes(existing)) return { variant: existing, stored: false };
        unit[experiment] = variant;
        add(found, variant, 1, 0, 0, 0);
        return { variant, stored: true };
      }),
  };
  const store: ExperimentStore & { [DIRECT]: DirectStore } = {
    [DIRECT]: direct,
    isEnabled: async (name) => experiments.has(name),
    enable: async (name) => {
      if (!experiments.has(name)) experiments.set(name, Object.create(null));
    },
    disable: async (name) => {
      experiments.delete(name);
      // Rare, so it may walk every unit: the round trip that is frequent stays one lookup.
      for (const [unitId, unit] of units) {
        delete unit[name];
        if (isEmpty(unit)) forget(unitId);
      }
    },
    readUnit: async (unitId, names, stats) => direct.readUnit(unitId, names, stats),
    assign: async (requests) => direct.assign(requests),
    complete: async (experiment, unitId, { score, success }, variants) => {
      const found = experiments.get(experiment);
      const unit = units.get(unitId);
      const taken = found && unit?.[experiment];
      if (taken === undefined) return undefined;
      delete unit![experiment];
      // A unit with no assignment left is forgotten, or every unit ever seen would stay in memory.
      if (isEmpty(unit!)) forget(unitId);
      if (variants.includes(taken)) add(found!, taken, 0, 1, score, success);
      return taken;
    },
    readStats: async (names) => names.map(statsOf),
  };
  direct.of = store;
  return store;
}
