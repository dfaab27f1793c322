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
import type { Feature, FeatureOptions, Features, FeatureTypes } from "./features/create-features.js";
import { featureEnvironment } from "./features/feature-options.js";

export { unitFraction } from "./murmur3.js";
export type { Environment } from "./environment.js";
export type { JsonValue, RuntimeName, Scalar } from "./format.js";
export type { ReportError } from "./options.js";
export type { Reason } from "./reason.js";
export type { EvaluationContext, Feature, FeatureEvaluation, FeatureOptions, Features, FeatureTypes, Outcome };

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

// Only read, never written: the evaluators read the context keys their buckets compare.
const noContext: EvaluationContext = {};

// What an unknown feature, or one that failed before its default was made, is noted on: no value.
const unknown = { bucket: "default" } as FeatureEvaluation;

/** What an evaluation that threw gives instead (the default, reason ERROR); the error goes to `onError`. */
type Fail = (error: unknown) => FeatureEvaluation;

/**
 * One evaluation of a built feature, for any context: checked here, so that `run` is given an
 * object and a valid unit id. Never throws. Small on purpose, so that V8 can inline it, and the
 * feature's `run` with it, into a call site that meets one feature (`npm run bench` measures it).
 */
function evaluateWith(run: FeatureEvaluator, fail: Fail, context: unknown): FeatureEvaluation {
  try {
    // null, like undefined, is no context.
    if (typeof (context ??= noContext) != "object")
      throw new TypeError(`expected an object as context, got ${describe(context)}`);
    const { unitId } = context as EvaluationContext;
    if (unitId !== undefined && unitIdProblem(unitId)) throw new TypeError(unitIdProblem(unitId));
    return run(context as EvaluationContext, unitId);
  } catch (error) {
    return fail(error);
  }
}

/** A built feature's evaluation, for any context. Never throws. */
type Evaluate = (context: unknown) => FeatureEvaluation;

/** One feature of a generated module: what it was built into, and its default. */
interface Slot {
  evaluate?: Evaluate;
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
  // One slot per feature, made here: a call then costs one lookup and no allocation. A Map, so
  // that no name (`toString`, `__proto__`, a number, a symbol) finds what the table did not put there.
  const slots = new Map<unknown, Slot>();
  for (const name of Object.keys(factories)) slots.set(name, {});
  const evaluatorOf = (name: unknown): Evaluate => {
    const slot = slots.get(name);
    // An unknown name is the caller's mistake: answered with ERROR, not reported.
    if (!slot) return () => note(unknown, `unknown feature ${show(name)}`, "ERROR");
    // Built on first use; the closures below are made only then.
    return (slot.evaluate ??= (() => {
      const fail: Fail = (error) => (
        report(error, `evaluate(${quote(name as string)})`),
        note(slot.fallback ?? unknown, messageOf(error), "ERROR")
      );
      try {
        const run = factories[name as string]!(env, (value) => (slot.fallback = result(value, "default", "DEFAULT")));
        // This feature's own closure over the small shared function above: a call site of
        // `features.feature(name)` then meets one closure and one `run`.
        return typeof run == "function" ? (context: unknown) => evaluateWith(run, fail, context) : () => run;
      } catch (error) {
        // One that cannot be built here (a pattern this engine cannot compile) is reported once,
        // and served as its default with reason ERROR from then on.
        const failed = fail(error);
        return () => failed;
      }
    })());
  };
  return {
    evaluate: (name, context) => evaluatorOf(name)(context),
    get: (name, context) => evaluatorOf(name)(context).value,
    feature: (name) => {
      const evaluate = evaluatorOf(name);
      return Object.freeze({ name, evaluate, get: (context?: unknown) => evaluate(context).value });
    },
  } as Features<F>;
}
