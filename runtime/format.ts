/**
 * The JSON documents that `npm run compile` writes and the runtime reads.
 * Every node that can vary carries a `kind`, so each stage dispatches over a closed set.
 */

/** Bumped whenever a document written by one version cannot be read by another. */
export const FORMAT_VERSION = 1;

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export type Scalar = string | number | boolean;

/** The JavaScript runtimes a feature can be limited to (PyOF's `python_versions`). */
export type RuntimeName = "node" | "deno" | "bun" | "browser";

export type ContextValueType = "string" | "number" | "boolean";

export type AttributeJson =
  /** A number in [0, 1): hashed from the context's unitId, else drawn once per process. */
  | { readonly kind: "sessionRandom"; readonly salt?: string }
  /** The machine's hostname (node, deno, bun) or the page's hostname (browser). */
  | { readonly kind: "hostname" }
  /** The JavaScript runtime's own version, e.g. "20.20.2" on node. */
  | { readonly kind: "runtimeVersion" }
  | { readonly kind: "static"; readonly value: Scalar }
  | { readonly kind: "context"; readonly key: string; readonly type: ContextValueType };

export type AttributeKind = AttributeJson["kind"];

export type OrderingKind = "lt" | "lte" | "gt" | "gte";
export type EqualityKind = "eq" | "ne";

export type ClassifierJson =
  | { readonly kind: "all"; readonly of: readonly ClassifierJson[] }
  | { readonly kind: "any"; readonly of: readonly ClassifierJson[] }
  | { readonly kind: "not"; readonly of: ClassifierJson }
  | { readonly kind: OrderingKind; readonly attribute: AttributeJson; readonly value: number }
  | { readonly kind: EqualityKind; readonly attribute: AttributeJson; readonly value: Scalar }
  | { readonly kind: "oneOf"; readonly attribute: AttributeJson; readonly values: readonly Scalar[] }
  | {
      readonly kind: "regexMatch";
      readonly attribute: AttributeJson;
      readonly pattern: string;
      readonly flags?: string;
    };

export type ClassifierKind = ClassifierJson["kind"];

export interface BucketJson {
  readonly name: string;
  readonly classifier: ClassifierJson;
  readonly value: JsonValue;
}

export interface FeatureJson {
  readonly formatVersion: number;
  readonly kind: "feature";
  readonly name: string;
  readonly description?: string;
  /** Absent means every runtime. */
  readonly runtimes?: readonly RuntimeName[];
  readonly buckets: readonly BucketJson[];
  readonly default: JsonValue;
  /**
   * Set on documents read from PyOF's shape (`prosper-runtime/pyof`'s `fromPyof`). Their buckets
   * already say PyOF's semantics in prosper's terms (a comparison across types is written as the
   * classifier that never matches), so the evaluator reads neither this nor `pyof`, and the reader
   * does not copy them: they are for `toPyof`.
   */
  readonly semantics?: "pyof";
  readonly pyof?: PyofRecord;
}

/** What `toPyof` needs to write a PyOF document back byte for byte. JSON, so it travels with the document. */
export interface PyofRecord {
  /** The PyOF document as read, `python_versions` and all. */
  readonly source: JsonValue;
  /** The paths (in `source`) of the numbers PyOF wrote as floats (`3.0`): JavaScript reads 3.0 as 3. */
  readonly floats: readonly (readonly (string | number)[])[];
}

/**
 * How a variant is chosen for a unit that has none yet. random and weighted split by the unit's
 * hash alone; epsilonGreedy, ucb1 and thompson learn from the scores; custom names an algorithm
 * the application registers (`createExperiments({ algorithms: { [name]: ... } })`).
 */
export type AlgorithmJson =
  | { readonly kind: "random" }
  | { readonly kind: "weighted"; readonly weights: { readonly [variant: string]: number } }
  /** Explores a uniformly random variant with probability `epsilon` in (0, 1], else serves the best mean. */
  | { readonly kind: "epsilonGreedy"; readonly epsilon: number }
  /** Serves the highest upper confidence bound, mean + sqrt(2 ln n / nᵢ) (Auer et al., 2002). */
  | { readonly kind: "ucb1" }
  /** Serves the variant with the highest draw from its Beta(1 + successes, 1 + failures) posterior. */
  | { readonly kind: "thompson" }
  | { readonly kind: "custom"; readonly name: string; readonly parameters?: JsonValue };

export type AlgorithmKind = AlgorithmJson["kind"];

export interface VariantJson {
  readonly name: string;
  readonly symbols: { readonly [symbol: string]: JsonValue };
}

export interface ExperimentJson {
  readonly formatVersion: number;
  readonly kind: "experiment";
  readonly name: string;
  readonly description?: string;
  /** Mixed into the assignment hash so that experiments split users independently. */
  readonly salt: string;
  readonly algorithm: AlgorithmJson;
  /** The first variant is the control. */
  readonly variants: readonly VariantJson[];
}
