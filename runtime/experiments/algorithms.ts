import { describe, messageOf, quote } from "../describe.js";
import type { JsonValue } from "../format.js";
import type { ReportError } from "../options.js";
import { statsCache, type StatsCache } from "./stats-cache.js";
import type { ArmStats } from "./store.js";

/** One variant, as an algorithm sees it: its name and its statistics (zeros when it has none yet). */
export interface Arm extends ArmStats {
  readonly name: string;
}

/**
 * Chooses the variant for a unit that has none yet: the interface a custom algorithm implements,
 * and that the built-in ones implement too. `arms` are the experiment's variants in definition
 * order, the control first, each with its statistics; `random` gives numbers uniform in [0, 1),
 * seeded by the unit (its first number is the unit's hash over 2^32), so a unit's choice is the
 * same wherever it is made from the same statistics. `parameters` are the definition's, as
 * written. Return the index of an arm; anything else (or a throw) serves the control and is
 * reported to `onError`.
 */
export interface Algorithm {
  choose(arms: readonly Arm[], random: () => number, parameters?: JsonValue): number;
}

/**
 * A learning experiment's choice for a unit with the given hash, from this process's statistics:
 * the variant's index (counted in the statistics at once), or why there is none (reported).
 */
export type Choose = (
  cache: StatsCache,
  experiment: string,
  variants: readonly string[],
  hash: number,
  report: ReportError,
) => number | string;

/** `choose` checked: an answer that is not the index of a variant, or a throw, is a failure of the algorithm named `label`. */
const checked =
  (label: string, choose: (arms: readonly Arm[], random: () => number) => unknown): Choose =>
  (cache, experiment, variants, hash, report) => {
    let chosen: unknown;
    try {
      chosen = choose(cache.arms(experiment, variants), unitRandom(hash));
      if (!(Number.isInteger(chosen) && variants[chosen as number] !== undefined))
        throw new RangeError(`chose ${describe(chosen)}, not the index of one of ${variants.length} variants`);
    } catch (error) {
      report(error, `algorithm ${quote(label)}`);
      return `the algorithm failed: ${messageOf(error)}`;
    }
    // Counted at once, so that units assigned before their scores arrive spread over the variants.
    cache.add(experiment, variants[chosen as number]!, { assigned: 1 });
    return chosen as number;
  };

/**
 * An algorithm that learns from statistics, as a compiled experiment names it. It brings the
 * statistics cache with it, so that applications whose experiments do not learn never load one.
 */
export interface Learner {
  readonly kind: "epsilonGreedy" | "ucb1" | "thompson" | "custom";
  /** A custom algorithm's registered name. */
  readonly name?: string;
  readonly cache: typeof statsCache;
  /** The choice, given the application's `algorithms` option; or why there is none. */
  bind(algorithms: unknown, report: ReportError): Choose | string;
}

const TWO_TO_32 = 4294967296;

/**
 * Numbers uniform in [0, 1) for one unit: first `hash / 2^32` itself (so that `weighted` is the
 * published `(hash * total) >>> 32`), then mulberry32 seeded with the hash.
 */
export function unitRandom(hash: number): () => number {
  let first = true;
  let state = hash | 0;
  return () => {
    if (first) {
      first = false;
      return hash / TWO_TO_32;
    }
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / TWO_TO_32;
  };
}

/**
 * The variant a hash falls in when variants have integer `weights`: `floor(hash * total / 2^32)`
 * (the `(hash * total) >>> 32` of a 64-bit product) walked through the cumulative weights.
 */
export function variantByWeight(weights: readonly number[], hash: number): number {
  let point = Math.floor((hash / TWO_TO_32) * weights.reduce((sum, weight) => sum + weight, 0));
  for (let index = 0; index < weights.length; index++) if ((point -= weights[index]!) < 0) return index;
  return 0;
}

/** A built-in learner: `score` rates each arm for a unit's random numbers; the best one wins. */
export const learner = (
  kind: Learner["kind"],
  choose: (arms: readonly Arm[], random: () => number) => number,
): Learner => ({
  kind,
  cache: statsCache,
  bind: () => checked(kind, choose),
});

/** The index of the highest `score`, ties broken uniformly at random. */
export function best(arms: readonly Arm[], random: () => number, score: (arm: Arm, index: number) => number): number {
  let top = -Infinity;
  let chosen = 0;
  let ties = 0;
  arms.forEach((arm, index) => {
    const value = score(arm, index);
    if (value > top) [top, chosen, ties] = [value, index, 1];
    // Reservoir sampling over the tied arms: each ends up chosen with probability 1 / ties.
    else if (value === top && random() * ++ties < 1) chosen = index;
  });
  return chosen;
}

/** The mean score, or 1 (the most a score can be) before the first one: untried variants go first. */
const optimisticMean = (arm: Arm) => (arm.count ? arm.sum / arm.count : 1);

/** Epsilon-greedy: a uniformly random variant with probability `epsilon`, else the best mean so far. */
export const epsilonGreedy = (epsilon: number): Learner =>
  learner("epsilonGreedy", (arms, random) =>
    random() < epsilon ? Math.floor(random() * arms.length) : best(arms, random, optimisticMean),
  );

/**
 * UCB1 counts a variant's pulls as its assignments (or its scores, if more), so that units
 * assigned before their scores arrive spread over the variants instead of piling on one.
 */
export const ucb1: Learner = /* @__PURE__ */ learner("ucb1", (arms, random) => {
  const pulls = arms.map((arm) => Math.max(arm.assigned, arm.count));
  // An untried variant has an infinite bound: each is tried before any is tried twice.
  const logTotal = Math.log(pulls.reduce((sum, n) => sum + n, 0));
  return best(arms, random, (arm, index) =>
    pulls[index] ? optimisticMean(arm) + Math.sqrt((2 * logTotal) / pulls[index]!) : Infinity,
  );
});

/**
 * An algorithm the application registers under `name` (`createExperiments({ algorithms: { name } })`),
 * given the definition's `parameters`.
 */
export const custom = (name: string, parameters?: JsonValue): Learner => ({
  kind: "custom",
  name,
  cache: statsCache,
  bind: (algorithms, report) => {
    let found: Algorithm | undefined;
    try {
      found = Object.hasOwn(algorithms ?? {}, name) ? (algorithms as Record<string, Algorithm>)[name] : undefined;
      if (typeof found?.choose !== "function") found = undefined;
    } catch (error) {
      report(error, `options.algorithms[${quote(name)}]`);
    }
    const algorithm = found;
    return algorithm
      ? checked(name, (arms, random) => algorithm.choose(arms, random, parameters))
      : `algorithm ${quote(name)} is not registered: pass createExperiments({ algorithms: { ${quote(name)}: ... } })`;
  },
});
