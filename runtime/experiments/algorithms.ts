import type { AlgorithmJson, JsonValue } from "../format.js";
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

/** An algorithm ready to run, and whether it reads statistics (if not, nobody reads them for it). */
export interface Chooser {
  readonly usesStats: boolean;
  choose(arms: readonly Arm[], random: () => number): number;
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
  return byWeight(weights, hash / TWO_TO_32);
}

/** The index `fraction` of the way through the cumulative weights; `fraction * total` is exact for integer weights. */
function byWeight(weights: readonly number[], fraction: number): number {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  let point = Math.floor(fraction * total);
  for (let index = 0; index < weights.length; index++) {
    point -= weights[index]!;
    if (point < 0) return index;
  }
  return 0;
}

const weighted = (weights: readonly number[]): Chooser => ({
  usesStats: false,
  choose: (_arms, random) => byWeight(weights, random()),
});

/** The index of the highest `score`, ties broken uniformly at random. */
function best(arms: readonly Arm[], random: () => number, score: (arm: Arm, index: number) => number): number {
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

const epsilonGreedy = (epsilon: number): Chooser => ({
  usesStats: true,
  choose: (arms, random) =>
    random() < epsilon ? Math.floor(random() * arms.length) : best(arms, random, optimisticMean),
});

/**
 * UCB1 counts a variant's pulls as its assignments (or its scores, if more), so that units
 * assigned before their scores arrive spread over the variants instead of piling on one.
 */
const ucb1: Chooser = {
  usesStats: true,
  choose: (arms, random) => {
    const pulls = arms.map((arm) => Math.max(arm.assigned, arm.count));
    // An untried variant has an infinite bound: each is tried before any is tried twice.
    const logTotal = Math.log(pulls.reduce((sum, n) => sum + n, 0));
    return best(arms, random, (arm, index) =>
      pulls[index] ? optimisticMean(arm) + Math.sqrt((2 * logTotal) / pulls[index]!) : Infinity,
    );
  },
};

const thompson: Chooser = {
  usesStats: true,
  choose: (arms, random) =>
    best(arms, random, (arm) => betaSample(1 + arm.successes, 1 + arm.count - arm.successes, random)),
};

/** A standard normal draw (Box–Muller). */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** A Gamma(shape, 1) draw: Marsaglia and Tsang (2000), boosted for shape < 1. */
function gammaSample(shape: number, random: () => number): number {
  if (shape < 1) return gammaSample(shape + 1, random) * Math.pow(1 - random(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - random();
    if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** A Beta(a, b) draw, as X / (X + Y) of two Gamma draws. */
export function betaSample(a: number, b: number, random: () => number): number {
  const x = gammaSample(a, random);
  return x / (x + gammaSample(b, random));
}

/**
 * The chooser a document's algorithm names, for its variants in order; for `custom`, the
 * registered algorithm, or undefined when the application registered none by that name.
 */
export function chooserFor(
  json: AlgorithmJson,
  variants: readonly string[],
  registered: (name: string) => Algorithm | undefined,
): Chooser | undefined {
  switch (json.kind) {
    case "random":
      return weighted(variants.map(() => 1));
    case "weighted":
      // A variant without a weight (which the compiler rejects) is never chosen; a weight is looked up as data.
      return weighted(variants.map((name) => (Object.hasOwn(json.weights, name) ? json.weights[name]! : 0)));
    case "epsilonGreedy":
      return epsilonGreedy(json.epsilon);
    case "ucb1":
      return ucb1;
    case "thompson":
      return thompson;
    case "custom": {
      const algorithm = registered(json.name);
      return (
        algorithm && { usesStats: true, choose: (arms, random) => algorithm.choose(arms, random, json.parameters) }
      );
    }
  }
}

/** Deterministic, store-free assignment: the fallback when the store fails. */
export const uniform = (variants: number): Chooser => weighted(Array.from({ length: variants }, () => 1));
