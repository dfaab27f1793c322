import { messageOf, quote, show } from "../describe.js";
import { freeze } from "../freeze.js";
import { unitRandom } from "./algorithms.js";
import { INTERNALS, type Experiments, type ExperimentTypes, type Internals } from "./engine.js";
import { NO_STATS, type ArmStats, type ExperimentStats } from "./store.js";
import { betaSample } from "./thompson.js";

export interface VariantResults {
  readonly variant: string;
  /** Assignments made (a unit assigned again after `complete` counts again). */
  readonly assigned: number;
  /** Scores received. */
  readonly completed: number;
  /** The mean score in [0, 1]; null before the first completion. */
  readonly mean: number | null;
  /**
   * A 95% interval for the mean: the Wilson score interval, exact in coverage for 0/1 scores and
   * conservative for scores in between (whose variance is at most mean · (1 − mean)). Null before
   * the first completion.
   */
  readonly interval: readonly [low: number, high: number] | null;
  /** Thompson sampling only: the posterior probability that this variant has the highest success rate. */
  readonly probabilityBest?: number;
}

export interface ExperimentResults {
  readonly experiment: string;
  readonly algorithm: string;
  readonly enabled: boolean;
  /** In definition order, the control first. */
  readonly variants: readonly VariantResults[];
  /** Set when the store could not be read: the counts are then zeros. */
  readonly message?: string;
}

const Z_95 = 1.959963984540054;

/** The Wilson score interval for a mean of `count` scores in [0, 1]. */
export function wilsonInterval(mean: number, count: number): readonly [number, number] {
  const z2 = Z_95 * Z_95;
  const centre = (mean + z2 / (2 * count)) / (1 + z2 / count);
  const half = (Z_95 / (1 + z2 / count)) * Math.sqrt((mean * (1 - mean)) / count + z2 / (4 * count * count));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** Draws from every arm's Beta posterior this many times to estimate which is best. */
const BEST_DRAWS = 20_000;

/**
 * P(arm is best) under Beta(1 + successes, 1 + failures) posteriors, by Monte Carlo with a fixed
 * seed: the same statistics always give the same figures, within ±0.007 (two standard errors at worst).
 */
export function probabilityBest(arms: readonly ArmStats[]): number[] {
  const random = unitRandom(0x9e3779b9);
  const wins = arms.map(() => 0);
  for (let draw = 0; draw < BEST_DRAWS; draw++) {
    let top = -1;
    let best = 0;
    arms.forEach((arm, index) => {
      const sample = betaSample(1 + arm.successes, 1 + arm.count - arm.successes, random);
      if (sample > top) [top, best] = [sample, index];
    });
    wins[best]!++;
  }
  return wins.map((won) => won / BEST_DRAWS);
}

/** Results by variant from stored statistics; a variant the store has nothing for has zeros. */
export function variantResults(
  variants: readonly string[],
  stats: ExperimentStats,
  thompson: boolean,
): VariantResults[] {
  const arms = variants.map((name) => (Object.hasOwn(stats, name) ? stats[name]! : NO_STATS));
  const best = thompson ? probabilityBest(arms) : undefined;
  return arms.map((arm, index) => {
    const mean = arm.count ? Math.min(1, Math.max(0, arm.sum / arm.count)) : null;
    return {
      variant: variants[index]!,
      assigned: arm.assigned,
      completed: arm.count,
      mean,
      interval: mean === null ? null : wilsonInterval(mean, arm.count),
      ...(best ? { probabilityBest: best[index]! } : {}),
    };
  });
}

/**
 * Per variant of `experiment`: assignments, completions, the mean score with a 95% interval, and
 * for Thompson sampling P(best). A separate entry (`prosper-runtime/results`), so that an
 * application that only serves variants does not ship the statistics. Never throws: a store that
 * fails gives zeros with a `message`, and reports to the client's `onError`.
 */
export async function results<E extends ExperimentTypes>(
  experiments: Experiments<E>,
  experiment: keyof E & string,
): Promise<ExperimentResults> {
  const internals = (experiments as { [INTERNALS]?: Internals } | undefined)?.[INTERNALS];
  const found = internals?.byName.get(experiment);
  if (!internals || !found)
    return freeze({
      experiment,
      algorithm: "",
      enabled: false,
      variants: [],
      message: `unknown experiment ${show(experiment)}`,
    });
  const { store, cache, report } = internals;
  const { variants, kind } = found;
  await internals.writes.settled();
  try {
    const [enabled, [stats]] = await Promise.all([store.isEnabled(experiment), store.readStats([experiment])]);
    if (found.learn) cache!.set(experiment, stats!);
    return freeze({
      experiment,
      algorithm: kind,
      enabled,
      variants: variantResults(variants, stats!, kind === "thompson"),
    });
  } catch (error) {
    const operation = `results(${quote(experiment)})`;
    report(error, operation);
    return freeze({
      experiment,
      algorithm: kind,
      enabled: false,
      variants: variantResults(variants, {}, false),
      message: `${operation} failed: ${messageOf(error)}`,
    });
  }
}
