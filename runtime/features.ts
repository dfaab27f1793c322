/**
 * `prosper-runtime/features`: what the evaluators the compiler generates need at run time, and
 * nothing else. The compiler checked the documents, so no document reader comes along: options,
 * the process facts, the unit hash, frozen results, and the never-throwing `Features` API.
 * Documents loaded at run time (PyOF files, remote config) go through `createFeatures(documents)`
 * of `prosper-runtime` instead; both paths pass the same conformance cases.
 */
import { describe, messageOf, quote, show } from "./describe.js";
import type { ResolvedEnvironment } from "./environment.js";
import type { JsonValue } from "./format.js";
import { readOptions, unitIdProblem } from "./options.js";
import type { EvaluationContext, Outcome } from "./features/compile-classifier.js";
import type { FeatureEvaluation } from "./features/compile-feature.js";
import type { FeatureOptions, Features, FeatureTypes } from "./features/create-features.js";
import { featureEnvironment } from "./features/feature-options.js";

export { unitFraction } from "./murmur3.js";
export type { Environment } from "./environment.js";
export type { JsonValue, RuntimeName, Scalar } from "./format.js";
export type { ReportError } from "./options.js";
export type { Reason } from "./reason.js";
export type { EvaluationContext, FeatureEvaluation, FeatureOptions, Features, FeatureTypes, Outcome };

/** The process facts a generated feature is built from, on its first evaluation. */
export type FeatureKit = ResolvedEnvironment;

/** Makes the feature's frozen default result; called first, so that a failure later still serves the default. */
export type DefaultOf = (value: JsonValue) => FeatureEvaluation;

/** A generated feature's evaluation, given a context that was checked and its unitId. */
export type FeatureEvaluator = (context: EvaluationContext, unitId: string | undefined) => FeatureEvaluation;

/** Builds a feature's evaluator, or the one result it always gives (a feature that does not run here). */
export type FeatureFactory = (kit: FeatureKit, defaultOf: DefaultOf) => FeatureEvaluator | FeatureEvaluation;

export type FeatureFactories = { readonly [name: string]: FeatureFactory };

/** A frozen result, shared by every evaluation that gives it; the generated code froze the value. */
export const result = (value: JsonValue, bucket: string, reason: FeatureEvaluation["reason"]): FeatureEvaluation =>
  Object.freeze({ value, bucket, reason });

/**
 * `shared`, or a frozen copy of it with `message` (something could not be evaluated) and
 * `reason` (ERROR, or DISABLED for a feature that does not run here).
 */
export const note = (
  shared: FeatureEvaluation,
  message: string | undefined,
  reason: FeatureEvaluation["reason"] = shared.reason,
): FeatureEvaluation =>
  // A literal, not a spread: freezing an object of one known shape is about twice as fast.
  message === undefined ? shared : Object.freeze({ value: shared.value, bucket: shared.bucket, reason, message });

const noContext: EvaluationContext = {};
const unknown = { value: undefined, bucket: "default" } as unknown as FeatureEvaluation;

/** One feature of a generated module: its evaluator once built (or the one result it always gives), and its default. */
interface Slot {
  run?: FeatureEvaluator | FeatureEvaluation;
  fallback?: FeatureEvaluation;
}

/**
 * The features of a generated module. Each one is built on its first evaluation (a module of 500
 * features pays for the ones a process uses), against the process facts read here once. Never
 * throws: a context it cannot use gives the default with reason ERROR and goes to `onError`, as
 * does a feature that cannot be built here; an unknown name gives ERROR.
 */
export function generatedFeatures<F extends FeatureTypes>(
  factories: FeatureFactories,
  options?: FeatureOptions,
): Features<F> {
  const { report, option } = readOptions(options);
  const env = featureEnvironment(option);
  // One slot per feature, made here: a call then costs one property load and no allocation, and
  // the prototype-less table cannot answer `toString` or `__proto__` from Object.prototype.
  const slots: Record<string, Slot | undefined> = Object.create(null);
  for (const name of Object.keys(factories)) slots[name] = {};
  const evaluate = (name: string, context?: unknown): FeatureEvaluation => {
    const slot = typeof name == "string" ? slots[name] : undefined;
    if (!slot) return note(unknown, `unknown feature ${show(name)}`, "ERROR");
    try {
      // Built on first use; one that cannot be built here (a pattern this engine cannot compile)
      // fails like an evaluation, and is served as its default from then on.
      const run = (slot.run ??= factories[name]!(
        env,
        (value) => (slot.fallback = result(value, "default", "DEFAULT")),
      ));
      if (typeof run != "function") return run;
      // null, like undefined, is no context.
      if (typeof (context ??= noContext) != "object")
        throw new TypeError(`expected an object as context, got ${describe(context)}`);
      const { unitId } = context as EvaluationContext;
      if (unitId !== undefined && unitIdProblem(unitId)) throw new TypeError(unitIdProblem(unitId));
      return run(context as EvaluationContext, unitId);
    } catch (error) {
      report(error, `evaluate(${quote(name)})`);
      const failed = note(slot.fallback ?? unknown, messageOf(error), "ERROR");
      // A feature that could not be built serves its default from then on.
      return slot.run ? failed : (slot.run = failed);
    }
  };
  return { evaluate, get: (name, context) => evaluate(name, context).value } as Features<F>;
}
