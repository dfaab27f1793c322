import fc from "fast-check";
import {
  createExperiments,
  createFeatures,
  memoryStore,
  readExperiment,
  readFeature,
  type ExperimentStore,
  type ReadResult,
  type Reason,
} from "prosper-runtime";
import { results as resultsOf } from "prosper-runtime/results";
import { afterAll, beforeAll, test } from "vitest";

/**
 * 100,000 random documents (50,000 features, 50,000 experiments), with contexts and unit ids,
 * through reading, loading and evaluation: valid-ish documents, mutated ones, junk, Proxies that
 * throw, getters, cycles, `__proto__`/`constructor` keys, odd numbers. Nothing may throw, every
 * evaluation has a reason, and nothing is written to Object.prototype.
 *
 * fast-check generates printable recipes, and `build` turns them into live values (a Proxy cannot
 * be printed in a counterexample). Patterns are simple ones: the runtime does not screen documents
 * for catastrophic backtracking, which is the compiler's check (PRS304) on what it writes.
 */

const REASONS: readonly Reason[] = ["TARGETING_MATCH", "SPLIT", "DEFAULT", "DISABLED", "ERROR"];

// ---- recipes: plain data; `{ $junk: kind }` marks a value that `build` makes live --------------

const JUNK = [
  "proxy",
  "revoked",
  "getters",
  "ancestor",
  "date",
  "map",
  "class",
  "function",
  "symbol",
  "bigint",
  "undefined",
  "nan",
  "infinity",
  "minus-zero",
  "null-prototype",
  "hole",
  "sparse",
  "long-string",
] as const;
type JunkKind = (typeof JUNK)[number];

const junk = fc.constantFrom(...JUNK).map(($junk) => ({ $junk }));
/** `weight` parts `likely` to one part `unlikely`: valid-ish documents are mostly valid, so evaluation gets exercised. */
const mostly = <T, U>(likely: fc.Arbitrary<T>, unlikely: fc.Arbitrary<U>, weight = 8) =>
  fc.oneof({ weight, arbitrary: likely }, { weight: 1, arbitrary: unlikely });

const keys = fc.constantFrom("__proto__", "constructor", "prototype", "toString", "polluted", "a", "b");
const finite = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.constantFrom(0, -0, 0.5, 1, 10, -1, Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53),
);
const number = mostly(finite, fc.constantFrom(Number.NaN, Infinity, -Infinity));
const text = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom("NL", "N", "__proto__", "constructor", "len-1"));
const scalar = fc.oneof(text, finite, fc.boolean());
const anything = fc.oneof({ weight: 3, arbitrary: scalar }, { weight: 1, arbitrary: junk }, fc.constant(null));

const { json } = fc.letrec((tie) => ({
  json: fc.oneof(
    { maxDepth: 3 },
    { weight: 6, arbitrary: scalar },
    fc.constant(null),
    fc.array(tie("json"), { maxLength: 3 }),
    fc.dictionary(keys, tie("json"), { maxKeys: 3 }),
  ),
}));
const jsonOrJunk = mostly(json, junk, 20);

const attribute = mostly(
  fc.oneof(
    fc.record({ kind: fc.constant("sessionRandom"), salt: fc.option(text, { nil: undefined }) }),
    fc.constant({ kind: "hostname" }),
    fc.constant({ kind: "runtimeVersion" }),
    fc.record({ kind: fc.constant("static"), value: scalar }),
    fc.record({
      kind: fc.constant("context"),
      key: fc.constantFrom("country", "age", "staff", "unitId", "__proto__", "constructor"),
      type: mostly(fc.constantFrom("string", "number", "boolean"), fc.constant("int")),
    }),
  ),
  fc.record({ kind: fc.constantFrom("cookie", "toString") }),
  20,
);

const { classifier } = fc.letrec((tie) => ({
  classifier: fc.oneof(
    { maxDepth: 4 },
    fc.record({ kind: fc.constantFrom("lt", "lte", "gt", "gte"), attribute, value: mostly(number, text, 20) }),
    fc.record({ kind: fc.constantFrom("eq", "ne"), attribute, value: scalar }),
    fc.record({ kind: fc.constant("oneOf"), attribute, values: mostly(fc.array(scalar, { maxLength: 3 }), text, 20) }),
    fc.record({
      kind: fc.constant("regexMatch"),
      attribute,
      pattern: mostly(fc.constantFrom("^a", "b$", "[0-9]+", "x|y", "^len.+", "", "é"), fc.constant("("), 20),
      flags: mostly(fc.constantFrom(undefined, "", "i", "su", "imsu"), fc.constantFrom("g", "ii"), 20),
    }),
    fc.record({ kind: fc.constantFrom("all", "any"), of: fc.array(tie("classifier"), { maxLength: 3 }) }),
    fc.record({ kind: fc.constant("not"), of: tie("classifier") }),
    { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom("between", "constructor") }) },
  ),
}));

const FEATURE_NAMES = ["f", "g", "constructor", "__proto__", ""];
const featureRecipe = fc.record(
  {
    formatVersion: mostly(fc.constant(1), fc.constantFrom(2, "1"), 30),
    kind: mostly(fc.constant("feature"), fc.constant("experiment"), 30),
    name: fc.constantFrom(...FEATURE_NAMES),
    description: text,
    runtimes: mostly(
      fc.array(fc.constantFrom("node", "browser", "deno", "bun"), { maxLength: 3 }),
      fc.constantFrom("nodejs", ["nodejs"]),
    ),
    buckets: fc.array(fc.record({ name: text, classifier, value: jsonOrJunk }), { maxLength: 3 }),
    default: jsonOrJunk,
    extra: anything,
  },
  { requiredKeys: ["formatVersion", "kind", "name", "buckets", "default"] },
);

const EXPERIMENT_NAMES = ["e", "f", "constructor", "__proto__"];
const VARIANT_NAMES = ["control", "a", "b", "constructor", "__proto__"];
const SYMBOLS = ["greeting", "color", "toString", "__proto__"];
const experimentRecipe = fc.record(
  {
    formatVersion: mostly(fc.constant(1), fc.constant(2), 30),
    kind: mostly(fc.constant("experiment"), fc.constant("feature"), 30),
    name: fc.constantFrom(...EXPERIMENT_NAMES),
    salt: mostly(text, anything),
    algorithm: mostly(
      fc.oneof(
        fc.constant({ kind: "random" }),
        fc.record({
          kind: fc.constant("weighted"),
          weights: fc.dictionary(fc.constantFrom(...VARIANT_NAMES), mostly(fc.nat(100), number)),
        }),
      ),
      fc.oneof(
        fc.record({ kind: fc.constantFrom("ucb1", "thompson", "constructor") }),
        fc.record({ kind: fc.constant("epsilonGreedy"), epsilon: mostly(fc.double({ min: 0, max: 1 }), number) }),
      ),
      20,
    ),
    variants: mostly(
      fc.uniqueArray(
        fc.record({
          name: fc.constantFrom(...VARIANT_NAMES),
          symbols: fc.dictionary(fc.constantFrom(...SYMBOLS), jsonOrJunk, { maxKeys: 3 }),
        }),
        { selector: (variant) => variant.name, minLength: 1, maxLength: 4 },
      ),
      fc.array(fc.record({ name: fc.constantFrom("", "a"), symbols: json }), { maxLength: 2 }),
      20,
    ),
  },
  { requiredKeys: ["formatVersion", "kind", "name", "salt", "algorithm", "variants"] },
);

/** A document recipe, replaced by junk now and then, and half the time with a node or two replaced by junk. */
const mutated = (document: fc.Arbitrary<unknown>) =>
  fc.record({
    document: fc.oneof({ weight: 8, arbitrary: document }, { weight: 1, arbitrary: json }),
    mutations: mostly(
      fc.constant([]),
      fc.array(fc.tuple(fc.nat(60), fc.oneof(junk, scalar, json)), { maxLength: 2 }),
      1,
    ),
  });

const unitId = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 8 }) },
  fc.string({ unit: "binary", maxLength: 4 }),
  fc.constantFrom("", "user-1", "u".repeat(4096), "u".repeat(4097)),
  anything,
);
const context = fc.oneof(
  fc.constantFrom(undefined, null),
  anything,
  fc.dictionary(fc.constantFrom("country", "age", "staff", "__proto__", "constructor", "polluted"), anything, {
    maxKeys: 4,
  }),
  fc.record({ unitId, country: text, age: number }),
);

// ---- building live values ---------------------------------------------------------------

const hostile = () =>
  new Proxy(
    {},
    Object.fromEntries(
      ["get", "has", "ownKeys", "getPrototypeOf", "getOwnPropertyDescriptor", "set", "defineProperty", "apply"].map(
        (trap) => [
          trap,
          () => {
            throw new Error(`${trap} trap`);
          },
        ],
      ),
    ),
  );

class Instance {
  kind = "all";
}

const READ_KEYS = ["kind", "name", "of", "attribute", "value", "values", "buckets", "default", "variants", "symbols"];

function junkValue(kind: JunkKind, ancestors: readonly unknown[]): unknown {
  switch (kind) {
    case "proxy":
      return hostile();
    case "revoked": {
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      return proxy;
    }
    case "getters":
      return Object.defineProperties(
        {},
        Object.fromEntries(
          READ_KEYS.map((key) => [
            key,
            {
              enumerable: true,
              get() {
                throw new Error(`${key} getter`);
              },
            },
          ]),
        ),
      );
    case "ancestor":
      return ancestors.at(-1) ?? {};
    case "date":
      return new Date(0);
    case "map":
      return new Map([["kind", "all"]]);
    case "class":
      return new Instance();
    case "function":
      return () => ({ kind: "all", of: [] });
    case "symbol":
      return Symbol("junk");
    case "bigint":
      return 10n;
    case "undefined":
      return undefined;
    case "nan":
      return Number.NaN;
    case "infinity":
      return -Infinity;
    case "minus-zero":
      return -0;
    case "null-prototype":
      return Object.assign(Object.create(null), { kind: "all", of: [] });
    case "hole":
      return [1, , 3];
    case "sparse": {
      const sparse: unknown[] = [];
      sparse.length = 2 ** 32 - 1;
      return sparse;
    }
    case "long-string":
      return "x".repeat(10_000);
  }
}

/** Makes a live value of a recipe; the nth node visited is replaced by `mutations`' recipe for n. */
function build(recipe: unknown, mutations: ReadonlyMap<number, unknown> = new Map()): unknown {
  let visited = 0;
  const ancestors: unknown[] = [];
  const make = (node: unknown): unknown => {
    const replacement = mutations.get(visited++);
    if (replacement !== undefined) node = replacement;
    if (typeof node !== "object" || node === null) return node;
    if ("$junk" in node) return junkValue(node.$junk as JunkKind, ancestors);
    const copy: Record<string, unknown> | unknown[] = Array.isArray(node) ? [] : {};
    ancestors.push(copy);
    for (const [key, value] of Object.entries(node))
      Object.defineProperty(copy, key, { value: make(value), enumerable: true, writable: true, configurable: true });
    ancestors.pop();
    return copy;
  };
  return make(recipe);
}

const buildAll = (recipes: readonly { document: unknown; mutations: readonly [number, unknown][] }[]) =>
  recipes.map(({ document, mutations }) => build(document, new Map(mutations)));

// ---- checks (plain ones: 100,000 runs of expect() would take most of the time budget) ------

/** Throws, with `what`, unless `condition` holds. */
function check(condition: boolean, what: string, value?: unknown): void {
  if (!condition) throw new Error(`${what}: ${String(JSON.stringify(value))}`);
}

let prototypeKeys: string;
beforeAll(() => {
  prototypeKeys = Object.getOwnPropertyNames(Object.prototype).join();
});

function expectNoPollution() {
  check(Object.getOwnPropertyNames(Object.prototype).join() === prototypeKeys, "Object.prototype gained keys");
  check(({} as Record<string, unknown>).polluted === undefined, "({}).polluted is set");
  check(([] as unknown as Record<string, unknown>).polluted === undefined, "[].polluted is set");
}
afterAll(expectNoPollution);

function checkReadResult(result: ReadResult<unknown>) {
  if (result.ok) return check(Object.isFrozen(result.document), "the document is frozen");
  check(result.problems.length > 0 && result.problems.length <= 50, "1 to 50 problems", result.problems.length);
  for (const { path, message, kind } of result.problems)
    check(Array.isArray(path) && typeof message === "string" && /^(json|shape|regex)$/.test(kind), "a problem", {
      path,
      message,
      kind,
    });
}

function checkResult(result: { reason: Reason; bucket?: string }) {
  check(REASONS.includes(result.reason) && Object.isFrozen(result), "a frozen result with a reason", result);
}

const silent = { onError: () => {} };
const environments = fc.record(
  {
    hostname: fc.oneof(fc.constantFrom("len-1", "web-1"), anything),
    sessionRandom: fc.oneof(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), anything),
    runtime: fc.constantFrom("node", "browser", "deno", "nodejs"),
    runtimeVersion: fc.oneof(fc.constantFrom("20.19.0"), anything),
  },
  { requiredKeys: [] },
);

test("features: 50,000 documents read, loaded and evaluated; nothing throws, every result has a reason", () => {
  fc.assert(
    fc.property(
      fc.array(mutated(featureRecipe), { minLength: 5, maxLength: 5 }),
      fc.array(fc.tuple(fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...FEATURE_NAMES) }, anything), context), {
        minLength: 1,
        maxLength: 4,
      }),
      environments,
      (recipes, evaluations, environment) => {
        for (const document of buildAll(recipes)) checkReadResult(readFeature(document));
        const features = createFeatures(buildAll(recipes), { ...(build(environment) as object), ...silent });
        for (const [name, contextRecipe] of evaluations) {
          const result = features.evaluate(build(name) as string, build(contextRecipe) as never);
          checkResult(result);
          check(typeof result.bucket === "string", "a bucket", result);
        }
        expectNoPollution();
      },
    ),
    { numRuns: 10_000 },
  );
});

/**
 * Statistics of the right shape with odd contents: `__proto__` and `constructor` as own keys,
 * variants the definitions lack, more successes than scores, a sum above the count, huge counts.
 */
const oddStats = () =>
  JSON.parse(
    '{"__proto__":{"assigned":1e300,"count":2,"sum":3,"successes":5},' +
      '"constructor":{"assigned":0,"count":0,"sum":0,"successes":0},' +
      '"a":{"assigned":5,"count":5,"sum":0,"successes":5},"removed":{"assigned":1,"count":1,"sum":1,"successes":1}}',
  ) as unknown;
const ODD_VARIANTS = ["__proto__", "constructor", "removed", undefined, "a"];

/**
 * Answers that pass the store's answer checks but no store should give: variants the definitions
 * lack or named like Object.prototype properties, an assignment that is kept though it is not one
 * of the requested variants, a completion of a unit that had no assignment.
 */
const odd: { readonly [M in keyof ExperimentStore]: (...args: Parameters<ExperimentStore[M]>) => unknown } = {
  isEnabled: () => true,
  enable: () => undefined,
  disable: () => undefined,
  readUnit: (_unitId, experiments, stats) => ({
    experiments: experiments.map((_, index) => ({ enabled: index % 3 !== 2, variant: ODD_VARIANTS[index % 5] })),
    stats: stats.map(oddStats),
  }),
  assign: (requests) =>
    requests.map((request, index) => ({ variant: index % 2 ? request.variant : "__proto__", stored: index % 2 === 0 })),
  complete: () => "constructor",
  readStats: (experiments) => experiments.map(oddStats),
};

/** A store whose methods work, throw, reject, answer junk, odd answers or hang, as `plan` says, call by call. */
function chaoticStore(plan: readonly string[]): ExperimentStore {
  const base = memoryStore();
  let call = 0;
  return new Proxy(base, {
    get(target, method: keyof ExperimentStore) {
      const original = target[method] as (...args: unknown[]) => unknown;
      return (...args: unknown[]) => {
        switch (plan[call++ % plan.length]) {
          case "throw":
            throw new Error("store down");
          case "reject":
            return Promise.reject(hostile());
          case "junk":
            return Promise.resolve(build({ $junk: "proxy" }));
          case "answer":
            return Promise.resolve(7);
          case "odd":
            return Promise.resolve((odd[method] as (...args: unknown[]) => unknown)(...args));
          case "hang":
            return new Promise(() => {});
          default:
            return original(...args);
        }
      };
    },
  });
}

test("experiments: 50,000 documents read and run; every call settles, nothing throws", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(mutated(experimentRecipe), { minLength: 10, maxLength: 10 }),
      fc.array(
        fc.tuple(unitId, fc.oneof(fc.constantFrom(...SYMBOLS, "missing"), anything), fc.oneof(number, anything)),
        {
          minLength: 1,
          maxLength: 2,
        },
      ),
      // One run in five has a store that fails in every way, hanging included (on a 1 ms timeout).
      mostly(
        fc.constant(undefined),
        fc.array(fc.constantFrom("ok", "ok", "ok", "throw", "reject", "junk", "answer", "odd", "hang"), {
          minLength: 1,
          maxLength: 6,
        }),
        4,
      ),
      async (recipes, units, plan) => {
        for (const document of buildAll(recipes)) checkReadResult(readExperiment(document));
        const experiments = createExperiments(buildAll(recipes), {
          ...silent,
          ...(plan ? { store: chaoticStore(plan), storeTimeoutMs: 1 } : {}),
        });
        for (const name of EXPERIMENT_NAMES) await experiments.enable(name);
        for (const [unitRecipe, symbolRecipe, score] of units) {
          const unit = build(unitRecipe) as string;
          const symbol = build(symbolRecipe) as string;
          const picks = await experiments.forUnit(unit);
          check(Object.isFrozen(picks), "frozen unit picks");
          picks.pick(symbol);
          for (const name of [...EXPERIMENT_NAMES, "missing", hostile(), Symbol("name")] as string[]) {
            checkResult(picks.assignment(name));
            checkResult(await experiments.assign(name, unit));
          }
          await experiments.pick(unit, symbol);
          // The picks' assignments are written behind: every write settles.
          await experiments.flush();
          const completed = await experiments.complete(EXPERIMENT_NAMES[0]!, unit, build(score) as number);
          check(
            typeof completed.rewarded === "boolean" && Object.isFrozen(completed),
            "a frozen completion",
            completed,
          );
        }
        const results = await resultsOf(experiments, EXPERIMENT_NAMES[0]!);
        check(typeof results.enabled === "boolean" && Array.isArray(results.variants), "results", results.variants);
        await experiments.disable(EXPERIMENT_NAMES[0]!);
        expectNoPollution();
      },
    ),
    { numRuns: 5_000 },
  );
});
