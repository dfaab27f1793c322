import type { ResolvedEnvironment } from "../environment.js";
import { FORMAT_VERSION, type FeatureJson, type JsonValue } from "../format.js";
import type { Reason } from "../reason.js";
import { compileClassifier, type EvaluationContext, type Scope, type Test } from "./compile-classifier.js";

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
 * compiled evaluates to its default with reason ERROR, and the message says why.
 */
export function compileFeature(json: FeatureJson, env: ResolvedEnvironment): EvaluateFeature {
  const always = (reason: Reason, message: string): EvaluateFeature => {
    const result: FeatureEvaluation = { value: json?.default, bucket: "default", reason, message };
    return () => result;
  };
  try {
    if (json.formatVersion !== FORMAT_VERSION)
      return always("ERROR", `format version ${json.formatVersion} is not ${FORMAT_VERSION}`);
    if (json.runtimes && !json.runtimes.includes(env.runtime))
      return always("DISABLED", `runs on ${json.runtimes}, not ${env.runtime}`);
    // Results are built once per bucket and shared between evaluations (they are typed readonly):
    // evaluating allocates only to report a problem. Buckets decided at load fold away: one that never
    // matches is dropped, and so is every bucket after one that always matches. All of them are
    // compiled all the same, so a broken document fails whatever folds.
    const buckets: { test: Test; result: FeatureEvaluation }[] = [];
    let reachable = true;
    for (const bucket of json.buckets) {
      const scope: Scope = { ...env };
      const test = compileClassifier(bucket.classifier, scope);
      if (test === false || !reachable) continue;
      reachable = test !== true;
      buckets.push({
        // Only a function or true gets here: false was dropped.
        test: test === true ? () => true : test,
        result: {
          value: bucket.value,
          bucket: bucket.name,
          reason: scope.split ? "SPLIT" : "TARGETING_MATCH",
        },
      });
    }
    const byDefault: FeatureEvaluation = { value: json.default, bucket: "default", reason: "DEFAULT" };
    return (context) => {
      let message: string | undefined;
      for (const bucket of buckets) {
        const outcome = bucket.test(context);
        if (outcome === true) return message ? { ...bucket.result, message } : bucket.result;
        if (outcome !== false)
          message = (message ? message + "; " : "") + `bucket "${bucket.result.bucket}": ${outcome}`;
      }
      return message ? { ...byDefault, message } : byDefault;
    };
  } catch (error) {
    return always("ERROR", String(error));
  }
}
