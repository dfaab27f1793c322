import type { Arm } from "./algorithms.js";
import { addStats, NO_STATS, type ArmStats, type ExperimentStats } from "./store.js";

/** How long, by default, a process serves from its copy of an experiment's statistics before reading them again. */
export const DEFAULT_STATS_REFRESH_MS = 1000;

interface Entry {
  readonly stats: Map<string, ArmStats>;
  readonly readAt: number;
}

/**
 * This process's copy of the learning experiments' statistics. Bandits choose from it instead of
 * reading the store for every new unit; it is replaced by what the store holds when it is
 * `refreshMs` old (the read rides on a unit's one round trip), and in between it adds this
 * process's own assignments and rewards, so a single process learns from every score at once.
 */
export function statsCache(refreshMs: number, now: () => number = () => Date.now()) {
  const entries = new Map<string, Entry>();
  return {
    /** Whether the experiment's statistics should be read with the next round trip. */
    due: (experiment: string) => {
      const entry = entries.get(experiment);
      return !entry || now() - entry.readAt >= refreshMs;
    },
    /** Replaces the copy with what the store holds; the values are copied, not kept. */
    set: (experiment: string, stats: ExperimentStats) => {
      const copy = new Map<string, ArmStats>();
      for (const [name, arm] of Object.entries(stats))
        copy.set(name, { assigned: +arm.assigned, count: +arm.count, sum: +arm.sum, successes: +arm.successes });
      entries.set(experiment, { stats: copy, readAt: now() });
    },
    /** The arms of `variants`, in order, as an algorithm sees them; zeros for a variant the store has nothing for. */
    arms: (experiment: string, variants: readonly string[]): Arm[] => {
      const stats = entries.get(experiment)?.stats;
      return variants.map((name) => ({ ...(stats?.get(name) ?? NO_STATS), name }));
    },
    /** Adds this process's own change until the next read replaces it. */
    add: (experiment: string, variant: string, change: Partial<ArmStats>) => {
      const stats = entries.get(experiment)?.stats;
      if (stats) addStats(stats, variant, change);
    },
    forget: (experiment: string) => entries.delete(experiment),
  };
}

export type StatsCache = ReturnType<typeof statsCache>;
