import { resolveEnvironment, type Environment } from "../environment.js";
import type { FeatureJson } from "../format.js";
import type { EvaluationContext } from "./compile-classifier.js";
import { compileFeature, type EvaluateFeature, type FeatureEvaluation } from "./compile-feature.js";

/** Value and context types per feature name, as the generated module declares them. */
export interface FeatureTypes {
  readonly [name: string]: { readonly value: unknown; readonly context: EvaluationContext };
}

export interface Features<F extends FeatureTypes> {
  /** The feature's value for this context. */
  get<N extends keyof F & string>(name: N, context?: F[N]["context"]): F[N]["value"];
  /** The value with the bucket that gave it and the reason. */
  evaluate<N extends keyof F & string>(name: N, context?: F[N]["context"]): FeatureEvaluation<F[N]["value"]>;
}

const noContext: EvaluationContext = {};

/**
 * Compiles feature documents (the JSON that `npm run compile` writes) into evaluators, once.
 * Never throws, neither here nor when evaluating: problems come back as reasons.
 */
export function createFeatures<F extends FeatureTypes = FeatureTypes>(
  documents: readonly unknown[],
  environment?: Environment,
): Features<F> {
  const env = resolveEnvironment(environment);
  const evaluators = new Map<string, EvaluateFeature>(
    (documents as readonly FeatureJson[]).map((json) => [json?.name, compileFeature(json, env)]),
  );
  const evaluate = (name: string, context?: EvaluationContext): FeatureEvaluation =>
    evaluators.get(name)?.(context ?? noContext) ?? {
      value: undefined as never,
      bucket: "default",
      reason: "ERROR",
      message: `unknown feature "${name}"`,
    };
  return { evaluate, get: (name, context) => evaluate(name, context).value } as Features<F>;
}
