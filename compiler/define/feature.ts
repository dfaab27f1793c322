import { FORMAT_VERSION, type FeatureJson, type JsonValue, type RuntimeName } from "prosper-runtime";
import type { Classifier } from "./classifiers.js";
import { built } from "./registry.js";
import type { Widen } from "./widen.js";

export interface BucketInput<T> {
  /** Unique within the feature; `default` is reserved for "no bucket matched". */
  readonly name: string;
  readonly classifier: Classifier;
  readonly value: T;
}

export interface FeatureInput<D extends JsonValue> {
  /** Unique across all definitions; becomes the JSON file name. */
  readonly name: string;
  readonly description?: string;
  /** Limits the feature to these runtimes; elsewhere it serves its default. All when absent. */
  readonly runtimes?: readonly RuntimeName[];
  /** Tried in order: the first bucket whose classifier matches gives the value. */
  readonly buckets: readonly BucketInput<Widen<NoInfer<D>>>[];
  /** Served when no bucket matches; bucket values must have its type. */
  readonly default: D;
}

/** The document the runtime reads, exactly as the compiler writes it to JSON. */
export type FeatureDefinition = FeatureJson;

/**
 * An offline feature: ordered buckets, each a classifier and a value, and a default.
 *
 * @example
 * export const newCheckout = feature({
 *   name: "new-checkout",
 *   buckets: [{ name: "beta", classifier: sessionRandom().lt(0.1), value: true }],
 *   default: false,
 * });
 */
export function feature<const D extends JsonValue>(input: FeatureInput<D>): FeatureDefinition {
  // The one place a feature document is built: the compiler runs this and writes what it returns.
  return built(
    {
      formatVersion: FORMAT_VERSION,
      kind: "feature",
      name: input.name,
      ...(input.description === undefined ? {} : { description: input.description }),
      ...(input.runtimes === undefined ? {} : { runtimes: input.runtimes }),
      buckets: input.buckets.map((bucket) => ({
        name: bucket.name,
        classifier: bucket.classifier?.json,
        value: bucket.value,
      })),
      default: input.default,
    },
    "feature",
  );
}
