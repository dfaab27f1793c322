/** An arm's sufficient statistics: how many scores it got and their sum. */
export interface ArmStats {
  readonly count: number;
  readonly sum: number;
}

/**
 * Where experiment state lives: enabled flag, assignments, algorithm statistics. It follows
 * pyrosper's storage methods, except that a reward is an atomic increment and an assignment is
 * set-if-absent, so that many processes sharing one store never lose a reward or split a user.
 *
 * Writes to an experiment that is not enabled (`assignIfAbsent`, `reward`) change nothing, and a
 * reward never creates an arm: a pick or a completion still in flight when the experiment is
 * disabled cannot bring its state back.
 */
export interface ExperimentStore {
  isEnabled(experiment: string): Promise<boolean>;
  /** Creates zeroed statistics for `arms` arms unless present, then marks the experiment enabled. */
  enable(experiment: string, arms: number): Promise<void>;
  /** Marks the experiment disabled and deletes its assignments and statistics. */
  disable(experiment: string): Promise<void>;
  getAssignment(experiment: string, unitId: string): Promise<number | undefined>;
  /** Stores `variant` unless the unit already has one; returns the one that is stored (or `variant`, when disabled). */
  assignIfAbsent(experiment: string, unitId: string, variant: number): Promise<number>;
  /** Deletes the unit's assignment and returns it, atomically, so only one caller gets it. */
  takeAssignment(experiment: string, unitId: string): Promise<number | undefined>;
  getArms(experiment: string): Promise<readonly ArmStats[]>;
  /** Adds one score to an arm: count + 1, sum + score, atomically. */
  reward(experiment: string, arm: number, score: number): Promise<void>;
}

interface MemoryState {
  enabled: boolean;
  arms: ArmStats[];
  assignments: Map<string, number>;
}

/** The embedded store: state in this process's memory, gone when it exits. */
export function memoryStore(): ExperimentStore {
  const states = new Map<string, MemoryState>();
  const state = (experiment: string): MemoryState => {
    let found = states.get(experiment);
    if (!found) states.set(experiment, (found = { enabled: false, arms: [], assignments: new Map() }));
    return found;
  };
  // Only enable creates state; every other write needs the experiment enabled.
  return {
    isEnabled: async (experiment) => states.get(experiment)?.enabled ?? false,
    enable: async (experiment, arms) => {
      const found = state(experiment);
      while (found.arms.length < arms) found.arms.push({ count: 0, sum: 0 });
      found.enabled = true;
    },
    disable: async (experiment) => {
      states.delete(experiment);
    },
    getAssignment: async (experiment, unitId) => states.get(experiment)?.assignments.get(unitId),
    assignIfAbsent: async (experiment, unitId, variant) => {
      const found = states.get(experiment);
      if (!found?.enabled) return variant;
      const existing = found.assignments.get(unitId);
      if (existing !== undefined) return existing;
      found.assignments.set(unitId, variant);
      return variant;
    },
    takeAssignment: async (experiment, unitId) => {
      const assignments = states.get(experiment)?.assignments;
      const existing = assignments?.get(unitId);
      assignments?.delete(unitId);
      return existing;
    },
    getArms: async (experiment) => states.get(experiment)?.arms.slice() ?? [],
    reward: async (experiment, arm, score) => {
      const found = states.get(experiment);
      const current = found?.enabled ? found.arms[arm] : undefined;
      if (current) found!.arms[arm] = { count: current.count + 1, sum: current.sum + score };
    },
  };
}
