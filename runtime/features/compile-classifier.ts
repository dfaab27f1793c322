import type { ResolvedEnvironment } from "../environment.js";
import type { AttributeJson, ClassifierJson, Scalar } from "../format.js";
import { unitFraction } from "../murmur3.js";

/** What the application knows about the request or user. `unitId` also seeds `sessionRandom`. */
export interface EvaluationContext {
  readonly unitId?: string | undefined;
  readonly [key: string]: Scalar | undefined;
}

/** `true` matches, `false` does not, a string says why the classifier could not be evaluated. */
export type Outcome = boolean | string;
export type Test = (context: EvaluationContext) => Outcome;

/**
 * A compiled classifier: a function of the context, or, when it reads only process constants
 * (hostname, runtime version, static values) and can be evaluated, whether it matches, decided
 * once at load.
 */
export type Compiled = Test | boolean;

/** What a classifier is compiled against; `split` is set when it reads sessionRandom. */
export type Scope = ResolvedEnvironment & { split?: boolean };

type Handlers<Json extends { kind: string }, Result> = {
  readonly [K in Json["kind"]]: (json: Extract<Json, { kind: K }>, env: Scope) => Result;
};

type Read = (context: EvaluationContext) => unknown;

const constant =
  (value: unknown): Read =>
  () =>
    value;

const readers: Handlers<AttributeJson, Read> = {
  sessionRandom: ({ salt = "sessionRandom" }, env) => {
    env.split = true;
    const { sessionRandom } = env;
    return (context) => (context.unitId === undefined ? sessionRandom : unitFraction(salt, context.unitId));
  },
  context:
    ({ key }) =>
    (context) =>
      context[key],
  hostname: (_, env) => constant(env.hostname),
  runtimeVersion: (_, env) => constant(env.runtimeVersion),
  static: ({ value }) => constant(value),
};

/**
 * Reads the attribute and applies `matches` when the value has the type `matches` expects.
 * Only sessionRandom and context values vary between calls; any other comparison is decided now.
 */
function comparison(json: AttributeJson, env: Scope, type: string, matches: (value: never) => boolean): Compiled {
  const read = readers[json.kind](json as never, env);
  const test: Test = (context) => {
    const value = read(context);
    return typeof value === type
      ? matches(value as never)
      : `${"key" in json ? json.key : json.kind} is ${value === undefined ? "missing" : `not a ${type}`}`;
  };
  if ("key" in json || json.kind === "sessionRandom") return test;
  const outcome = test({});
  // One that cannot be evaluated (no hostname, say) stays a function, to report why at each call.
  return typeof outcome === "boolean" ? outcome : test;
}

/**
 * `all` (decided by the first false) or `any` (by the first true), in three-valued logic: when
 * nothing decides and something could not be evaluated, the outcome is that problem. Members
 * decided at load fold: one that cannot decide drops out, one that decides, decides now.
 */
function junction(decisive: boolean) {
  return ({ of }: { of: readonly ClassifierJson[] }, env: Scope): Compiled => {
    const members = of.map((inner) => compileClassifier(inner, env)).filter((member) => member !== !decisive);
    if (members.includes(decisive)) return decisive;
    if (members.length < 2) return members[0] ?? !decisive;
    return (context) => {
      let outcome: Outcome = !decisive;
      for (const test of members as Test[]) {
        const result = test(context);
        if (result === decisive) return decisive;
        if (result !== !decisive) outcome = result;
      }
      return outcome;
    };
  };
}

const negate = (outcome: Outcome) => (typeof outcome === "boolean" ? !outcome : outcome);

const compilers: Handlers<ClassifierJson, Compiled> = {
  all: junction(false),
  any: junction(true),
  not: ({ of }, env) => {
    const inner = compileClassifier(of, env);
    return typeof inner === "function" ? (context) => negate(inner(context)) : !inner;
  },
  lt: ({ attribute, value }, env) => comparison(attribute, env, "number", (actual: number) => actual < value),
  lte: ({ attribute, value }, env) => comparison(attribute, env, "number", (actual: number) => actual <= value),
  gt: ({ attribute, value }, env) => comparison(attribute, env, "number", (actual: number) => actual > value),
  gte: ({ attribute, value }, env) => comparison(attribute, env, "number", (actual: number) => actual >= value),
  eq: ({ attribute, value }, env) => comparison(attribute, env, typeof value, (actual: Scalar) => actual === value),
  ne: ({ attribute, value }, env) => comparison(attribute, env, typeof value, (actual: Scalar) => actual !== value),
  oneOf: ({ attribute, values }, env) => {
    const set = new Set<unknown>(values);
    // An empty list (which the compiler rejects) expects type "undefined", so it never matches.
    return comparison(attribute, env, typeof values[0], (actual: Scalar) => set.has(actual));
  },
  regexMatch: ({ attribute, pattern, flags }, env) => {
    const regex = new RegExp(pattern, flags);
    // search(), unlike test(), ignores lastIndex: a `g` flag in a document cannot make matching stateful.
    return comparison(attribute, env, "string", (actual: string) => actual.search(regex) >= 0);
  },
};

/** Compiles a classifier once, from a document that readFeature accepted. */
export function compileClassifier(json: ClassifierJson, env: Scope): Compiled {
  return compilers[json.kind](json as never, env);
}
