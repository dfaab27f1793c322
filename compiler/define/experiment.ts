import { FORMAT_VERSION, type ExperimentJson, type JsonValue } from "prosper-runtime";
import { built } from "./registry.js";
import type { Widen } from "./widen.js";

type Variants = Record<string, Record<string, JsonValue>>;

type SymbolOf<V> = { [K in keyof V]: keyof V[K] }[keyof V];

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** A symbol's type in one variant, widened, with `null` set aside: `null` fits any type. */
type ValueType<V, K extends keyof V, S> = S extends keyof V[K] ? NonNullable<Widen<V[K][S]>> : never;

/** The union of a symbol's types over every variant that has it. */
type SymbolTypeOf<V, S> = { [K in keyof V]: ValueType<V, K, S> }[keyof V];

type SameInEveryVariant<V, S> = false extends {
  [K in keyof V]: [ValueType<V, K, S>] extends [never] ? true : Same<ValueType<V, K, S>, SymbolTypeOf<V, S>>;
}[keyof V]
  ? false
  : true;

/**
 * What every variant must look like: exactly the symbols of all variants together, each with one
 * type everywhere (a variant may give `null` instead). A missing or extra symbol, or a symbol whose
 * type differs, fails to type-check.
 */
type CheckVariants<V> = {
  readonly [K in keyof V]: {
    readonly [S in SymbolOf<V>]: SameInEveryVariant<V, S> extends true
      ? JsonValue
      : { readonly error: `symbol "${S & string}" must have the same type in every variant` };
  };
};

export type AlgorithmInput<VariantName extends string> =
  /** Every variant equally often, by the unit's hash. */
  | { readonly kind: "random" }
  /** Fixed shares, by the unit's hash: a weight per variant. */
  | { readonly kind: "weighted"; readonly weights: { readonly [K in VariantName]: number } }
  /** Learns: a random variant with probability `epsilon` (in (0, 1]), else the best mean score so far. */
  | { readonly kind: "epsilonGreedy"; readonly epsilon: number }
  /** Learns: the variant with the highest upper confidence bound on its mean score. */
  | { readonly kind: "ucb1" }
  /** Learns: Thompson sampling, each score a Bernoulli(score) draw on a Beta posterior. */
  | { readonly kind: "thompson" }
  /**
   * An algorithm of the application's own, registered under `name` when it creates the
   * experiments (`createExperiments({ algorithms: { [name]: ... } })`, which the generated types
   * require). `parameters` reach its `choose` as written.
   */
  | { readonly kind: "custom"; readonly name: string; readonly parameters?: JsonValue };

export interface ExperimentInput<V extends Variants> {
  /** Unique across all definitions; becomes the JSON file name. */
  readonly name: string;
  readonly description?: string;
  /** Mixed into the assignment hash; defaults to the name. Change it to reshuffle users. */
  readonly salt?: string;
  /** How a variant is chosen for a user who has none yet; random by default. */
  readonly algorithm?: AlgorithmInput<keyof V & string>;
  /** Keyed by variant name, in order; the first variant is the control. */
  readonly variants: V & CheckVariants<V>;
}

/** The document the runtime reads, exactly as the compiler writes it to JSON. */
export type ExperimentDefinition = ExperimentJson;

/**
 * An experiment: every variant maps the same symbols to values of the same types.
 *
 * @example
 * export const greeting = experiment({
 *   name: "greeting",
 *   variants: { control: { greeting: "Hello!" }, friendly: { greeting: "Hi there!" } },
 * });
 */
export function experiment<const V extends Variants>(input: ExperimentInput<V>): ExperimentDefinition {
  // The one place an experiment document is built: the compiler runs this and writes what it returns.
  // Values are kept by reference, so what the compiler reads is their state once every file has run.
  return built(
    {
      formatVersion: FORMAT_VERSION,
      kind: "experiment",
      name: input.name,
      ...(input.description === undefined ? {} : { description: input.description }),
      salt: input.salt ?? input.name,
      algorithm: input.algorithm ?? { kind: "random" },
      variants: Object.entries(input.variants).map(([name, symbols]) => ({ name, symbols })),
    },
    "experiment",
  );
}
