import type { AlgorithmJson } from "../format.js";
import type { ArmStats } from "./store.js";

export interface ChooseInput {
  /** Statistics per variant, in variant order (empty when the algorithm does not need them). */
  readonly arms: readonly ArmStats[];
  /** murmur3 of `salt:unitId`: uniform over [0, 2^32), the same for a unit everywhere. */
  readonly hash: number;
}

/** Chooses a variant for a unit that has none yet. */
export interface Algorithm {
  /** Whether `choose` reads arm statistics; if not, the store is not asked for them. */
  readonly usesStats: boolean;
  choose(input: ChooseInput): number;
}

/**
 * The variant a hash falls in when variants have integer `weights`: `floor(hash * total / 2^32)`
 * (the `(hash * total) >>> 32` of a 64-bit product) walked through the cumulative weights.
 */
export function variantByWeight(weights: readonly number[], hash: number): number {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  let point = Math.floor((hash * total) / 4294967296);
  for (let index = 0; index < weights.length; index++) {
    point -= weights[index]!;
    if (point < 0) return index;
  }
  return 0;
}

export const weighted = (weights: readonly number[]): Algorithm => ({
  usesStats: false,
  choose: ({ hash }) => variantByWeight(weights, hash),
});

/** Builds the algorithm a document names, for variants in this order. */
export function algorithmFor(json: AlgorithmJson, variants: readonly string[]): Algorithm | undefined {
  switch (json?.kind) {
    case "random":
      return weighted(variants.map(() => 1));
    case "weighted":
      // A variant without a weight (which the compiler rejects) is never chosen; a weight is looked up as data.
      return weighted(variants.map((name) => (Object.hasOwn(json.weights, name) ? json.weights[name]! : 0)));
    default:
      return undefined;
  }
}
