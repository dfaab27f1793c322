/**
 * An OpenFeature provider (server SDK) for prosper: `prosper-runtime/openfeature`.
 *
 * Features resolve by name (the value for the context, the bucket as `variant`); experiment
 * symbols resolve by symbol name (the value for the unit, the assigned variant as `variant`), with
 * the context's `targetingKey` as the unit id. It imports only the SDK's types, so this entry
 * costs nothing at runtime beyond prosper itself; the core runtime does not import it.
 */
import type {
  ErrorCode,
  EvaluationContext as OpenFeatureContext,
  JsonValue as OpenFeatureJson,
  Provider,
  ResolutionDetails,
} from "@openfeature/server-sdk";
import { describe, messageOf, quote } from "./describe.js";
import {
  createExperiments,
  type ExperimentOptions,
  type Experiments,
  type ExperimentTypes,
} from "./experiments/create-experiments.js";
import type { EvaluationContext } from "./features/compile-classifier.js";
import { createFeatures, type FeatureOptions, type Features, type FeatureTypes } from "./features/create-features.js";
import type { ExperimentJson, JsonValue } from "./format.js";
import { documentsOf, MAX_UNIT_ID_LENGTH } from "./options.js";
import { readExperimentParts, readFeatureParts } from "./read-document.js";
import { firstProblem } from "./read-json.js";

export interface ProsperProviderOptions {
  /** Feature documents, as `createFeatures` takes them (the JSON `prosper compile` writes). */
  readonly features?: readonly unknown[] | undefined;
  /** Experiment documents, as `createExperiments` takes them. */
  readonly experiments?: readonly unknown[] | undefined;
  /** Passed to `createFeatures`: the environment, `onError`. */
  readonly featureOptions?: FeatureOptions | undefined;
  /** Passed to `createExperiments`: the store (share one between servers), `onError`, `storeTimeoutMs`. */
  readonly experimentOptions?: ExperimentOptions | undefined;
}

/** The type a flag is asked for, in OpenFeature's words. */
type FlagType = "boolean" | "string" | "number" | "object";

type Code = `${ErrorCode}`;

interface SymbolEntry {
  readonly experiment: ExperimentJson;
  /** Why the experiment's document cannot be read, when it cannot (prosper serves the control). */
  readonly problem: string | undefined;
}

/**
 * Resolves prosper's features and experiment symbols for OpenFeature's server SDK:
 * `await OpenFeature.setProviderAndWait(new ProsperProvider({ features, experiments }))`.
 *
 * It builds its own clients from the documents, exposed as `features` and `experiments`: enable,
 * disable and complete experiments through `provider.experiments` (or give both the same store),
 * so that what OpenFeature resolves and what the application rewards are the same assignments.
 * A resolve method never throws: every failure is the caller's default with an error code.
 */
export class ProsperProvider<
  F extends FeatureTypes = FeatureTypes,
  E extends ExperimentTypes = ExperimentTypes,
> implements Provider {
  readonly metadata = { name: "prosper" } as const;
  readonly runsOn = "server" as const;
  /** The features this provider evaluates. */
  readonly features: Features<F>;
  /** The experiments this provider assigns: enable, disable and complete them here. */
  readonly experiments: Experiments<E>;

  /** Names of features whose document could not be read, with the problem. */
  readonly #brokenFeatures = new Map<unknown, string>();
  readonly #featureNames = new Set<unknown>();
  readonly #symbols = new Map<unknown, SymbolEntry>();

  constructor(options: ProsperProviderOptions = {}) {
    const { features = [], experiments = [], featureOptions, experimentOptions } = options;
    this.features = createFeatures<F>(features, featureOptions);
    this.experiments = createExperiments<E>(experiments, experimentOptions);
    // Read the documents as createFeatures and createExperiments do, for what their clients do not
    // tell: which names exist, which documents are broken, which experiment a symbol belongs to.
    // Problems are theirs to report; here they are silent.
    const silent = () => {};
    for (const [, document] of documentsOf(features, silent)) {
      const { problems, copy } = readFeatureParts(document);
      if (copy?.name === undefined) continue;
      this.#featureNames.add(copy.name);
      if (problems.length) this.#brokenFeatures.set(copy.name, firstProblem(problems));
    }
    for (const [, document] of documentsOf(experiments, silent)) {
      const { problems, copy } = readExperimentParts(document);
      if (copy?.name === undefined || !copy.variants) continue;
      const symbol: SymbolEntry = {
        experiment: copy as ExperimentJson,
        problem: problems.length ? firstProblem(problems) : undefined,
      };
      for (const name of Object.keys(copy.variants[0]!.symbols)) this.#symbols.set(name, symbol);
    }
  }

  resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, context: OpenFeatureContext) {
    return this.#resolve(flagKey, defaultValue, context, "boolean");
  }

  resolveStringEvaluation(flagKey: string, defaultValue: string, context: OpenFeatureContext) {
    return this.#resolve(flagKey, defaultValue, context, "string");
  }

  resolveNumberEvaluation(flagKey: string, defaultValue: number, context: OpenFeatureContext) {
    return this.#resolve(flagKey, defaultValue, context, "number");
  }

  resolveObjectEvaluation<T extends OpenFeatureJson>(flagKey: string, defaultValue: T, context: OpenFeatureContext) {
    return this.#resolve(flagKey, defaultValue, context, "object");
  }

  async #resolve<T>(
    flagKey: string,
    defaultValue: T,
    context: OpenFeatureContext | undefined,
    type: FlagType,
  ): Promise<ResolutionDetails<T>> {
    const fail = (code: Code, message: string, variant?: string): ResolutionDetails<T> => ({
      value: defaultValue,
      reason: "ERROR",
      errorCode: code as ErrorCode,
      errorMessage: message,
      ...(variant === undefined ? {} : { variant }),
    });
    /** The value when it is of the type asked for, else TYPE_MISMATCH. */
    const found = (value: JsonValue | undefined, reason: string, variant: string, what: string) =>
      typeOf(value) === type
        ? { value: value as T, reason, variant }
        : fail("TYPE_MISMATCH", `${what} is ${describe(value)}, asked for ${type}`, variant);
    try {
      const unitId = context?.targetingKey;
      if (unitId !== undefined && (typeof unitId !== "string" || unitId.length > MAX_UNIT_ID_LENGTH))
        return fail(
          "INVALID_CONTEXT",
          `targetingKey: expected a string of at most ${MAX_UNIT_ID_LENGTH} characters, got ${describe(unitId)}`,
        );

      if (this.#featureNames.has(flagKey)) {
        const broken = this.#brokenFeatures.get(flagKey);
        if (broken !== undefined) return fail("PARSE_ERROR", `feature ${quote(flagKey)} cannot be read: ${broken}`);
        const evaluation = this.features.evaluate(flagKey, featureContext(context));
        if (evaluation.reason === "ERROR")
          return fail("GENERAL", `feature ${quote(flagKey)}: ${evaluation.message}`, evaluation.bucket);
        return found(evaluation.value as JsonValue, evaluation.reason, evaluation.bucket, `feature ${quote(flagKey)}`);
      }

      const symbol = this.#symbols.get(flagKey);
      if (!symbol) return fail("FLAG_NOT_FOUND", `no feature or experiment symbol is named ${quote(flagKey)}`);
      const { experiment, problem } = symbol;
      const what = `symbol ${quote(flagKey)} of experiment ${quote(experiment.name)}`;
      if (problem !== undefined)
        return fail("PARSE_ERROR", `experiment ${quote(experiment.name)} cannot be read: ${problem}`);
      if (!unitId) return fail("TARGETING_KEY_MISSING", `${what} needs a targetingKey (the unit id)`);
      const assignment = await this.experiments.assign(experiment.name, unitId);
      if (assignment.reason === "ERROR")
        return fail("GENERAL", `${what}: ${assignment.message ?? "assignment failed"}`, assignment.variant);
      const { variants } = experiment;
      const { symbols } = variants[assignment.index] ?? variants[0]!;
      // A symbol the variant lacks (which the compiler rejects) is the control's, as in prosper.
      const value = (Object.hasOwn(symbols, flagKey) ? symbols : variants[0]!.symbols)[flagKey];
      return found(value, assignment.reason, assignment.variant, what);
    } catch (error) {
      return fail("GENERAL", messageOf(error));
    }
  }
}

/** A JSON value's type in OpenFeature's words: objects and arrays are "object"; null is none of them. */
function typeOf(value: unknown): FlagType | "null" | "undefined" {
  if (value === null) return "null";
  const type = typeof value;
  return type === "boolean" || type === "string" || type === "number" || type === "object" ? type : "undefined";
}

/** The features' context: `targetingKey` as `unitId`, and the attributes that are strings, numbers or booleans. */
function featureContext(context: OpenFeatureContext | undefined): EvaluationContext {
  const result: Record<string, string | number | boolean> = {};
  if (context)
    for (const [key, value] of Object.entries(context)) {
      if (key === "targetingKey" || key === "unitId") continue;
      if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") result[key] = value;
    }
  const unitId = context?.targetingKey;
  return typeof unitId === "string" ? { ...result, unitId } : result;
}
