import type { ResolvedEnvironment } from "../environment.js";
import type { AttributeJson, ClassifierJson, Scalar } from "../format.js";
import { unitFraction } from "../murmur3.js";

/** What the application knows about the request or user. `unitId` also seeds `sessionRandom`. */
export interface EvaluationContext {
  readonly unitId?: string;
  readonly [key: string]: Scalar | undefined;
}

/** `true` matches, `false` does not, a string says why the classifier could not be evaluated. */
export type Outcome = boolean | string;
export type Test = (context: EvaluationContext) => Outcome;
type Read = (context: EvaluationContext) => unknown;

type Handlers<Json extends { kind: string }, Result> = {
  readonly [K in Json["kind"]]: (json: Extract<Json, { kind: K }>, env: ResolvedEnvironment) => Result;
};

const constant = (value: unknown): Read => () => value;

const readers: Handlers<AttributeJson, Read> = {
  sessionRandom: ({ salt = "sessionRandom" }, { sessionRandom }) => (context) =>
    context.unitId === undefined ? sessionRandom : unitFraction(salt, context.unitId),
  hostname: (_, env) => constant(env.hostname),
  runtimeVersion: (_, env) => constant(env.runtimeVersion),
  static: ({ value }) => constant(value),
  context: ({ key }) => (context) => context[key],
};

const describe = (json: AttributeJson) => (json.kind === "context" ? `context "${json.key}"` : json.kind);

/** Reads the attribute and applies `matches` when the value has the type `matches` expects. */
function comparison(json: AttributeJson, env: ResolvedEnvironment, type: string, matches: (value: never) => boolean): Test {
  const reader = readers[json.kind] as ((json: AttributeJson, env: ResolvedEnvironment) => Read) | undefined;
  if (!reader) throw new Error(`unknown attribute kind "${json.kind}"`);
  const read = reader(json, env);
  return (context) => {
    const value = read(context);
    return typeof value === type
      ? matches(value as never)
      : `${describe(json)} is ${value === undefined ? "missing" : `not a ${type}`}`;
  };
}

const compilers: Handlers<ClassifierJson, Test> = {
  all: ({ of }, env) => {
    const tests = of.map((inner) => compileClassifier(inner, env));
    return (context) => {
      let outcome: Outcome = true;
      for (const test of tests) {
        const result = test(context);
        if (result === false) return false;
        if (result !== true) outcome = result;
      }
      return outcome;
    };
  },
  any: ({ of }, env) => {
    const tests = of.map((inner) => compileClassifier(inner, env));
    return (context) => {
      let outcome: Outcome = false;
      for (const test of tests) {
        const result = test(context);
        if (result === true) return true;
        if (result !== false) outcome = result;
      }
      return outcome;
    };
  },
  not: ({ of }, env) => {
    const test = compileClassifier(of, env);
    return (context) => {
      const result = test(context);
      return typeof result === "boolean" ? !result : result;
    };
  },
  lt: ({ attribute, value }, env) => comparison(attribute, env, "number", (actual: number) => actual < value),
  lte: ({ attribute, value }, env) => comparison(attribute, env, "number", (actual: number) => actual <= value),
  gt: ({ attribute, value }, env) => comparison(attribute, env, "number", (actual: number) => actual > value),
  gte: ({ attribute, value }, env) => comparison(attribute, env, "number", (actual: number) => actual >= value),
  eq: ({ attribute, value }, env) => comparison(attribute, env, typeof value, (actual: Scalar) => actual === value),
  ne: ({ attribute, value }, env) => comparison(attribute, env, typeof value, (actual: Scalar) => actual !== value),
  oneOf: ({ attribute, values }, env) => {
    const set = new Set<unknown>(values);
    if (!set.size) return () => false;
    return comparison(attribute, env, typeof values[0], (actual: Scalar) => set.has(actual));
  },
  regexMatch: ({ attribute, pattern, flags = "" }, env) => {
    // `g` and `y` would make test() remember lastIndex between calls.
    const regex = new RegExp(pattern, flags.replace(/[gy]/g, ""));
    return comparison(attribute, env, "string", (actual: string) => regex.test(actual));
  },
};

/** Turns a classifier into a closure, once; throws on a node it cannot compile (unknown kind, bad pattern). */
export function compileClassifier(json: ClassifierJson, env: ResolvedEnvironment): Test {
  const compile = compilers[json.kind] as ((json: ClassifierJson, env: ResolvedEnvironment) => Test) | undefined;
  if (!compile) throw new Error(`unknown classifier kind "${json.kind}"`);
  return compile(json, env);
}
