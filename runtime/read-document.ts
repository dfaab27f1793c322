import { describe, messageOf, quote } from "./describe.js";
import { FORMAT_VERSION, type ExperimentJson, type FeatureJson, type RuntimeName } from "./format.js";
import {
  deeper,
  json,
  list,
  oneOf,
  optional,
  problem,
  readWith,
  record,
  scalar,
  shape,
  tagged,
  type DocumentProblem,
  type Fields,
  type Parts,
  type Reader,
} from "./read-json.js";

/**
 * The document schema, in one place for the compiler (which reads what users' definitions built)
 * and the runtime (which reads what the application loads). It checks shape only; the compiler's
 * rules (weights for every variant, unique bucket names, ...) are not its business, and the runtime
 * stays graceful where those are broken. It does not screen patterns for catastrophic backtracking:
 * that is the compiler's check (PRS304), for documents it writes.
 */

export type ReadResult<T> =
  { readonly ok: true; readonly document: T } | { readonly ok: false; readonly problems: readonly DocumentProblem[] };

export const RUNTIME_NAMES: readonly RuntimeName[] = ["node", "deno", "bun", "browser"];

const text = /* @__PURE__ */ scalar<string>("string", "a string");
const name = /* @__PURE__ */ scalar<string>("string", "a non-empty string", (value) => value !== "");
const number = /* @__PURE__ */ scalar<number>("number", "a number");
const value = /* @__PURE__ */ scalar("string number boolean", "a string, number or boolean");

const attribute = /* @__PURE__ */ tagged("an attribute", {
  sessionRandom: { salt: /* @__PURE__ */ optional(text) },
  hostname: {},
  runtimeVersion: {},
  static: { value },
  context: { key: name, type: /* @__PURE__ */ oneOf(["string", "number", "boolean"], "context type") },
});

const of = /* @__PURE__ */ list(classifier, "an array of classifiers");
const ordering: Fields = { attribute, value: number };
const equality: Fields = { attribute, value };

const classifierShape = /* @__PURE__ */ tagged("a classifier", {
  all: { of },
  any: { of },
  not: { of: classifier },
  lt: ordering,
  lte: ordering,
  gt: ordering,
  gte: ordering,
  eq: equality,
  ne: equality,
  oneOf: { attribute, values: /* @__PURE__ */ list(value, "an array of scalars") },
  regexMatch: { attribute, pattern: text, flags: /* @__PURE__ */ optional(text) },
});

/** A classifier, at most MAX_DEPTH deep, whose pattern (if any) compiles. */
function classifier(...[reading, input, path]: Parameters<Reader>) {
  return deeper(reading, path, () => {
    const before = reading.problems.length;
    const copy = classifierShape(reading, input, path);
    if (copy?.kind === "regexMatch" && reading.problems.length === before) {
      const { pattern, flags = "" } = copy as { pattern: string; flags?: string };
      // Distinct letters among i m s u: `g` and `y` would make matching stateful.
      if (flags.length > 4 || !/^(?!.*(.).*\1)[imsu]*$/.test(flags))
        problem(reading, [...path, "flags"], "regex", `expected distinct flags among i m s u, got ${describe(flags)}`);
      else
        try {
          new RegExp(pattern, flags);
        } catch (error) {
          problem(reading, [...path, "pattern"], "regex", messageOf(error));
        }
    }
    return copy;
  });
}

/** A document of `kind` with these fields after the ones every document has. */
const document = (kind: "feature" | "experiment", fields: Fields) =>
  shape(kind == "feature" ? "a feature" : "an experiment", {
    formatVersion: scalar("number", `format version ${FORMAT_VERSION}`, (version) => version === FORMAT_VERSION),
    kind: scalar("string", `"${kind}"`, (found) => found === kind),
    name,
    description: optional(text),
    ...fields,
  });

const feature = /* @__PURE__ */ document("feature", {
  runtimes: /* @__PURE__ */ optional(
    /* @__PURE__ */ list(/* @__PURE__ */ oneOf(RUNTIME_NAMES, "runtime"), "an array of runtimes"),
  ),
  buckets: /* @__PURE__ */ list(
    /* @__PURE__ */ shape("a bucket", { name: text, classifier, value: json }),
    "an array of buckets",
  ),
  default: json,
});

const experimentShape = /* @__PURE__ */ document("experiment", {
  salt: text,
  algorithm: /* @__PURE__ */ tagged("an algorithm", {
    random: {},
    weighted: {
      weights: /* @__PURE__ */ record(
        /* @__PURE__ */ scalar<number>("number", "a non-negative number", (weight) => weight >= 0),
        "an object of weights",
      ),
    },
    epsilonGreedy: {
      epsilon: /* @__PURE__ */ scalar<number>("number", "a number in (0, 1]", (epsilon) => epsilon > 0 && epsilon <= 1),
    },
    ucb1: {},
    thompson: {},
    custom: { name, parameters: /* @__PURE__ */ optional(json) },
  }),
  variants: /* @__PURE__ */ list(
    /* @__PURE__ */ shape("a variant", { name, symbols: /* @__PURE__ */ record(json, "an object of symbols") }),
    "a non-empty array of variants",
    1,
  ),
});

/** An experiment whose variant names are unique. */
const experiment: Reader = (reading, input, path) => {
  const copy = experimentShape(reading, input, path);
  const variants = (copy?.variants ?? []) as { name: string }[];
  variants.forEach(({ name }, index) => {
    if (variants.findIndex((other) => other.name === name) < index)
      problem(reading, [...path, "variants", index, "name"], "shape", `a second variant named ${quote(name)}`);
  });
  return copy;
};

/** Checks a feature document, and copies the parts that are valid (the runtime serves a valid default). */
export const readFeatureParts = (input: unknown): Parts<FeatureJson> => readWith(input, feature);
export const readExperimentParts = (input: unknown): Parts<ExperimentJson> => readWith(input, experiment);

const result = <T>({ problems, copy }: Parts<T>): ReadResult<T> =>
  problems.length ? { ok: false, problems } : { ok: true, document: copy as T };

/** Checks that `input`, whatever it is, is a feature document; on success, a deep-frozen copy with only the format's keys. */
export const readFeature = (input: unknown): ReadResult<FeatureJson> => result(readFeatureParts(input));

/** Checks that `input`, whatever it is, is an experiment document; on success, a deep-frozen copy with only the format's keys. */
export const readExperiment = (input: unknown): ReadResult<ExperimentJson> => result(readExperimentParts(input));
