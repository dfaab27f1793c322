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

/** What an evaluation that threw gives instead: the default with reason ERROR; the error goes to `onError`. */
export type Fail = (error: unknown) => FeatureEvaluation;

/**
 * A generated feature, built: its evaluation and its value for a context (anything: it checks),
 * each its own code so that a call site asking for one feature stays monomorphic. Neither throws.
 */
export type FeatureAccess = readonly [
  evaluate: (context: unknown) => FeatureEvaluation,
  get: (context: unknown) => JsonValue,
];

/** Builds a feature's evaluator, or the one result it always gives (a feature that does not run here). */
export type FeatureFactory = (kit: FeatureKit, defaultOf: DefaultOf, fail: Fail) => FeatureAccess | FeatureEvaluation;

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

/** A context's unit id, checked; throws a TypeError for a context that is not an object, or a bad unit id. */
export function unitOf(context: unknown): string | undefined {
  if (context == null) return undefined;
  if (typeof context != "object") throw new TypeError(`expected an object as context, got ${describe(context)}`);
  const { unitId } = context as EvaluationContext;
  if (unitId !== undefined && unitIdProblem(unitId)) throw new TypeError(unitIdProblem(unitId));
  return unitId;
}

// What an unknown feature, or one that failed before its default was made, is noted on: no value.
const unknown = { bucket: "default" } as FeatureEvaluation;

/** A feature that always gives one result, whatever the context. */
const constant = (evaluation: FeatureEvaluation): FeatureAccess => [() => evaluation, () => evaluation.value];

/** One feature of a generated module: what it was built into, and its default. */
interface Slot {
  access?: FeatureAccess;
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
  const accessOf = (name: unknown): FeatureAccess => {
    const slot = typeof name == "string" ? slots[name] : undefined;
    // An unknown name is the caller's mistake: answered with ERROR, not reported.
    if (!slot) return constant(note(unknown, `unknown feature ${show(name)}`, "ERROR"));
    // Built on first use; the closure below is made only then.
    return (slot.access ??= (() => {
      const fail: Fail = (error) => (
        report(error, `evaluate(${quote(name as string)})`),
        note(slot.fallback ?? unknown, messageOf(error), "ERROR")
      );
      try {
        const built = factories[name as string]!(
          env,
          (value) => (slot.fallback = result(value, "default", "DEFAULT")),
          fail,
        );
        return Array.isArray(built) ? (built as FeatureAccess) : constant(built as FeatureEvaluation);
      } catch (error) {
        // One that cannot be built here (a pattern this engine cannot compile) is reported once,
        // and served as its default with reason ERROR from then on.
        return constant(fail(error));
      }
    })());
  };
  return {
    evaluate: (name, context) => accessOf(name)[0](context),
    get: (name, context) => accessOf(name)[1](context),
    feature: (name) => {
      const [evaluate, get] = accessOf(name);
      return { name, evaluate, get };
    },
  } as Features<F>;
}
