import { describe, messageOf, quote } from "../describe.js";
import type { ResolvedEnvironment } from "../environment.js";
import type { FeatureJson, JsonValue } from "../format.js";
import { MAX_UNIT_ID_LENGTH, unitIdProblem, type ReportError } from "../options.js";
import type { Reason } from "../reason.js";
import { compileClassifier, type EvaluationContext, type Scope, type Test } from "./compile-classifier.js";

export interface FeatureEvaluation<T = JsonValue> {
  readonly value: T;
  /** The bucket that matched, or "default". */
  readonly bucket: string;
  /** Never FORCED: only experiments force. */
  readonly reason: Exclude<Reason, "FORCED">;
  /** Present when something could not be evaluated, or the feature does not run here: what and why. */
  readonly message?: string;
}

export type EvaluateFeature = (context?: EvaluationContext) => FeatureEvaluation;

const noContext: EvaluationContext = {};

/** An evaluator that always gives the default, for a feature that does not run here or cannot be read. */
export function always(
  value: JsonValue | undefined,
  reason: FeatureEvaluation["reason"],
  message: string,
): EvaluateFeature {
  const result = Object.freeze({ value: value as JsonValue, bucket: "default", reason, message });
  return () => result;
}

/**
 * Compiles a feature document that readFeature accepted into a function, once. The function never
 * throws: a context it cannot use (not an object, a getter that throws, a bad unitId) gives the
 * default with reason ERROR, and `report` hears of it.
 */
export function compileFeature(json: FeatureJson, env: ResolvedEnvironment, report: ReportError): EvaluateFeature {
  try {
    if (json.runtimes && !json.runtimes.includes(env.runtime))
      return always(json.default, "DISABLED", `runs on ${json.runtimes}, not ${env.runtime}`);
    // Results are built once per bucket, frozen, and shared between evaluations: evaluating
    // allocates only to report a problem. Buckets decided at load fold away: one that never
    // matches is dropped, and so is every bucket after one that always matches.
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
        result: Object.freeze({
          value: bucket.value,
          bucket: bucket.name,
          reason: scope.split ? "SPLIT" : "TARGETING_MATCH",
        }),
      });
    }
    const byDefault: FeatureEvaluation = Object.freeze({ value: json.default, bucket: "default", reason: "DEFAULT" });
    return (context = noContext) => {
      try {
        if (typeof context !== "object") throw new TypeError(`expected an object as context, got ${describe(context)}`);
        // null, like undefined, is no context.
        context ??= noContext;
        const { unitId } = context;
        if (unitId !== undefined && (typeof unitId !== "string" || unitId.length > MAX_UNIT_ID_LENGTH))
          throw new TypeError(unitIdProblem(unitId));
        let message: string | undefined;
        for (const bucket of buckets) {
          const outcome = bucket.test(context);
          if (outcome === true) return message ? Object.freeze({ ...bucket.result, message }) : bucket.result;
          if (outcome !== false)
            message = (message ? message + "; " : "") + `bucket "${bucket.result.bucket}": ${outcome}`;
        }
        return message ? Object.freeze({ ...byDefault, message }) : byDefault;
      } catch (error) {
        report(error, `evaluate(${quote(json.name)})`);
        return Object.freeze({ ...byDefault, reason: "ERROR", message: messageOf(error) });
      }
    };
  } catch (error) {
    // Not expected once readFeature accepted the document; kept so that a gap there cannot throw here.
    return always(json.default, "ERROR", messageOf(error));
  }
}
