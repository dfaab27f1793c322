import { describe, quote } from "../describe.js";
import type { Environment } from "../environment.js";
import type { FeatureJson } from "../format.js";
import { documentsOf, readOptions, type ReportError } from "../options.js";
import { readFeatureParts } from "../read-document.js";
import { firstProblem } from "../read-json.js";
import type { EvaluationContext } from "./compile-classifier.js";
import { always, compileFeature, type EvaluateFeature, type FeatureEvaluation } from "./compile-feature.js";
import { featureEnvironment } from "./feature-options.js";

/** Value and context types per feature name, as the generated module declares them. */
export interface FeatureTypes {
  readonly [name: string]: { readonly value: unknown; readonly context: EvaluationContext };
}

export interface Features<F extends FeatureTypes> {
  /** The feature's value for this context. */
  get<N extends keyof F & string>(name: N, context?: F[N]["context"]): F[N]["value"];
  /** The value with the bucket that gave it and the reason; frozen, as is the value. */
  evaluate<N extends keyof F & string>(name: N, context?: F[N]["context"]): FeatureEvaluation<F[N]["value"]>;
  /**
   * One feature, to evaluate again and again: take it once (at module level, say) and call it
   * where the value is needed. It answers as `get` and `evaluate` do, without finding the feature
   * by name on each call; a call site that meets one feature can be optimised as a hand-written
   * function is. Building the feature happens here, not on its first evaluation.
   */
  feature<N extends keyof F & string>(name: N): Feature<F[N]>;
}

/** One feature of `Features`, taken by name. Frozen; its functions need no `this`. */
export interface Feature<T extends FeatureTypes[string]> {
  readonly name: string;
  /** The feature's value for this context. */
  readonly get: (context?: T["context"]) => T["value"];
  /** The value with the bucket that gave it and the reason; frozen, as is the value. */
  readonly evaluate: (context?: T["context"]) => FeatureEvaluation<T["value"]>;
}

export type FeatureOptions = Environment & {
  /**
   * Told of each document that cannot be read (once, when loaded), of each evaluation that failed
   * (a context it could not use) and of options it ignored. console.warn by default.
   */
  readonly onError?: ReportError | undefined;
};

/**
 * Checks and compiles feature documents (the JSON that `npm run compile` writes) into evaluators,
 * once. Never throws, neither here nor when evaluating, whatever it is given: problems come back
 * as reasons, and go to `onError`.
 */
export function createFeatures<F extends FeatureTypes = FeatureTypes>(
  documents: readonly unknown[],
  options?: FeatureOptions,
): Features<F> {
  const { report, option } = readOptions(options);
  const env = featureEnvironment(option);
  const evaluators = new Map<unknown, EvaluateFeature>();
  for (const [index, document] of documentsOf(documents, report)) {
    const { problems, copy } = readFeatureParts(document);
    if (!problems.length) {
      evaluators.set(copy!.name, compileFeature(copy as FeatureJson, env, report));
      continue;
    }
    // Served as its default (when that part is valid), so that a bad document fails closed.
    const message = firstProblem(problems);
    report(new Error(message), `load documents[${index}]`);
    if (copy?.name !== undefined) evaluators.set(copy.name, always(copy.default, "ERROR", message));
  }
  const evaluate = (name: unknown, context?: EvaluationContext): FeatureEvaluation =>
    evaluators.get(name)?.(context) ??
    Object.freeze({
      value: undefined as never,
      bucket: "default",
      reason: "ERROR",
      message: `unknown feature ${typeof name === "string" ? quote(name) : describe(name)}`,
    });
  return {
    evaluate,
    get: (name, context) => evaluate(name, context).value,
    feature: (name) =>
      Object.freeze({
        name,
        evaluate: (context?: EvaluationContext) => evaluate(name, context),
        get: (context?: EvaluationContext) => evaluate(name, context).value,
      }),
  } as Features<F>;
}
