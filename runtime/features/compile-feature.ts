import type { ResolvedEnvironment } from "../environment.js";
import { FORMAT_VERSION, type FeatureJson, type JsonValue } from "../format.js";
import { freeze } from "../freeze.js";
import type { Reason } from "../reason.js";
import { compileClassifier, type EvaluationContext } from "./compile-classifier.js";

export interface FeatureEvaluation<T = JsonValue> {
  readonly value: T;
  /** The bucket that matched, or "default". */
  readonly bucket: string;
  readonly reason: Reason;
  /** Present when something could not be evaluated, or the feature does not run here: what and why. */
  readonly message?: string;
}

export type EvaluateFeature = (context: EvaluationContext) => FeatureEvaluation;

/**
 * Compiles a feature document into a function, once. It never throws: a document that cannot be
 * compiled evaluates to its default with reason ERROR.
 */
export function compileFeature(json: FeatureJson, env: ResolvedEnvironment): EvaluateFeature {
  const fallback = (reason: Reason, message: string): EvaluateFeature => {
    const result = freeze<FeatureEvaluation>({ value: json?.default ?? null, bucket: "default", reason, message });
    return () => result;
  };
  try {
    if (json.formatVersion !== FORMAT_VERSION) {
      return fallback("ERROR", `feature "${json.name}" has format version ${json.formatVersion}, expected ${FORMAT_VERSION}`);
    }
    if (json.runtimes && !json.runtimes.includes(env.runtime)) {
      return fallback("DISABLED", `feature "${json.name}" runs on ${json.runtimes.join(", ")}, not ${env.runtime}`);
    }
    // Results are built once per bucket and shared: evaluating allocates only when reporting a problem.
    const buckets = json.buckets.map((bucket) => ({
      name: bucket.name,
      test: compileClassifier(bucket.classifier, env),
      result: freeze<FeatureEvaluation>({
        value: bucket.value,
        bucket: bucket.name,
        reason: JSON.stringify(bucket.classifier).includes('"kind":"sessionRandom"') ? "SPLIT" : "TARGETING_MATCH",
      }),
    }));
    const byDefault = freeze<FeatureEvaluation>({ value: json.default, bucket: "default", reason: "DEFAULT" });
    return (context) => {
      let message: string | undefined;
      for (const bucket of buckets) {
        const outcome = bucket.test(context);
        if (outcome === true) return message ? { ...bucket.result, message } : bucket.result;
        if (outcome !== false) message = (message ? message + "; " : "") + `bucket "${bucket.name}": ${outcome}`;
      }
      return message ? { ...byDefault, message } : byDefault;
    };
  } catch (error) {
    return fallback("ERROR", `feature "${json?.name}" cannot be evaluated: ${(error as Error)?.message ?? error}`);
  }
}
