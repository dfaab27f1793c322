import type {
  AlgorithmJson,
  AttributeJson,
  EqualityKind,
  JsonValue,
  OrderingKind,
  RuntimeName,
  Scalar,
} from "prosper/runtime";
import type { Span } from "../diagnostics/diagnostic.js";

/**
 * What the load stage makes of the definitions: the documents the runtime will read, with the
 * source span of every part a check may need to point at.
 */
export interface LoadedDefinitions {
  readonly experiments: readonly LoadedExperiment[];
  readonly features: readonly LoadedFeature[];
}

export interface Named {
  readonly name: string;
  /** The `name` value, or the whole call when the name is not a literal. */
  readonly nameSpan: Span;
  /** The `experiment(...)` / `feature(...)` call. */
  readonly span: Span;
}

export interface LoadedExperiment extends Named {
  readonly kind: "experiment";
  readonly description?: string;
  readonly salt: string;
  readonly algorithm: AlgorithmJson;
  readonly algorithmSpan?: Span;
  readonly variants: readonly LoadedVariant[];
  readonly variantsSpan: Span;
}

export interface LoadedVariant {
  readonly name: string;
  /** The variant's key in `variants`. */
  readonly span: Span;
  readonly symbols: readonly LoadedSymbol[];
}

export interface LoadedSymbol {
  readonly name: string;
  /** The symbol's key in its variant. */
  readonly span: Span;
  readonly value: JsonValue;
  readonly valueSpan: Span;
}

export interface LoadedFeature extends Named {
  readonly kind: "feature";
  readonly description?: string;
  readonly runtimes?: readonly RuntimeName[];
  readonly buckets: readonly LoadedBucket[];
  readonly default: JsonValue;
  readonly defaultSpan: Span;
}

export interface LoadedBucket {
  readonly name: string;
  readonly nameSpan: Span;
  readonly classifier: LoadedClassifier;
  readonly value: JsonValue;
  readonly valueSpan: Span;
}

export type ValueType = "number" | "string" | "boolean";

export type LoadedAttribute = AttributeJson & {
  readonly span: Span;
  /** The type of value the attribute yields. */
  readonly type: ValueType;
};

interface Located {
  readonly span: Span;
}

interface Compared extends Located {
  readonly attribute: LoadedAttribute;
  /** The compared value(s) or the pattern. */
  readonly valueSpan: Span;
}

export type LoadedClassifier =
  | (Located & { readonly kind: "all"; readonly of: readonly LoadedClassifier[] })
  | (Located & { readonly kind: "any"; readonly of: readonly LoadedClassifier[] })
  | (Located & { readonly kind: "not"; readonly of: LoadedClassifier })
  // Ordering takes numbers only; a mistyped value is still loaded so that a check can point at it.
  | (Compared & { readonly kind: OrderingKind | EqualityKind; readonly value: Scalar })
  | (Compared & { readonly kind: "oneOf"; readonly values: readonly Scalar[] })
  | (Compared & { readonly kind: "regexMatch"; readonly pattern: string; readonly flags?: string });
