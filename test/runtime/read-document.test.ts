import {
  MAX_DEPTH,
  readExperiment,
  readFeature,
  type DocumentProblem,
  type ExperimentJson,
  type FeatureJson,
  type ReadResult,
} from "prosper-runtime";
import { describe, expect, test } from "vitest";
import checkoutCta from "../../generated/experiments/checkout-cta.json" with { type: "json" };
import greeting from "../../generated/experiments/greeting_experiment.json" with { type: "json" };
import holdout from "../../generated/features/holdout.json" with { type: "json" };
import newCheckout from "../../generated/features/new-checkout.json" with { type: "json" };
import searchPageSize from "../../generated/features/search-page-size.json" with { type: "json" };

type Json = Record<string, unknown>;

const feature = (overrides: Json = {}): Json => ({ ...structuredClone(holdout), ...overrides });
const experiment = (overrides: Json = {}): Json => ({ ...structuredClone(greeting), ...overrides });
const bucket = (classifier: unknown, value: unknown = true) => ({ name: "b", classifier, value });
const withClassifier = (classifier: unknown) => feature({ buckets: [bucket(classifier)] });
const country = { kind: "context", key: "country", type: "string" };

function problems(result: ReadResult<unknown>): readonly DocumentProblem[] {
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.problems;
}

function isDeepFrozen(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return true;
  return Object.isFrozen(value) && Object.values(value).every(isDeepFrozen);
}

/** A Proxy whose every trap throws. */
const hostile = () =>
  new Proxy(
    {},
    Object.fromEntries(
      ["get", "has", "ownKeys", "getPrototypeOf", "getOwnPropertyDescriptor", "set", "defineProperty"].map((trap) => [
        trap,
        () => {
          throw new Error(`${trap} trap`);
        },
      ]),
    ),
  );

describe("valid documents", () => {
  test.each([holdout, newCheckout, searchPageSize])("feature $name: a deep-frozen, equal copy", (document) => {
    const result = readFeature(document);
    expect(result).toEqual({ ok: true, document });
    if (!result.ok) return;
    expect(result.document).not.toBe(document);
    expect(isDeepFrozen(result.document)).toBe(true);
    expect(Object.isFrozen(document)).toBe(false);
  });

  test.each([greeting, checkoutCta])("experiment $name: a deep-frozen, equal copy", (document) => {
    const result = readExperiment(document);
    expect(result).toEqual({ ok: true, document });
    if (result.ok) expect(isDeepFrozen(result.document)).toBe(true);
  });

  test("keys the format does not know are left out, but JSON values are copied whole", () => {
    const value = { pageSize: 10, extra: { deep: [1, { x: null }] } };
    const result = readFeature({
      ...feature({ extra: "dropped", buckets: [{ ...bucket({ kind: "all", of: [], note: 1 }, value), tag: "x" }] }),
      default: { also: "kept" },
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.document).not.toHaveProperty("extra");
    expect(result.document.buckets[0]).toEqual({ name: "b", classifier: { kind: "all", of: [] }, value });
    expect(result.document.default).toEqual({ also: "kept" });
  });

  test("unknown keys are not even read: a throwing getter there is no problem", () => {
    const document = feature();
    Object.defineProperty(document, "unused", {
      enumerable: true,
      get() {
        throw new Error("read me not");
      },
    });
    expect(readFeature(document).ok).toBe(true);
  });

  test("numbers are copied exactly, -0 included", () => {
    const result = readFeature(feature({ default: [-0, 0.1, 1e-300, Number.MAX_VALUE, -5] }));
    expect(result.ok && result.document.default).toEqual([-0, 0.1, 1e-300, Number.MAX_VALUE, -5]);
    expect(Object.is(result.ok && (result.document.default as number[])[0], -0)).toBe(true);
  });

  test('a JSON key "__proto__" becomes an own property, never a prototype', () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}');
    const result = readFeature(feature({ default: value }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const copy = result.document.default as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(["__proto__", "constructor"]);
    expect(Object.getOwnPropertyDescriptor(copy, "__proto__")?.value).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test("objects without a prototype are plain", () => {
    const value = Object.assign(Object.create(null), { a: 1 });
    expect(readFeature(feature({ default: value }))).toMatchObject({ ok: true, document: { default: { a: 1 } } });
  });

  test(`JSON values ${MAX_DEPTH} deep and classifiers ${MAX_DEPTH} deep are fine`, () => {
    let value: unknown = 1;
    for (let i = 0; i < MAX_DEPTH; i++) value = [value];
    let classifier: unknown = { kind: "eq", attribute: country, value: "NL" };
    for (let i = 1; i < MAX_DEPTH; i++)
      classifier = { kind: i % 2 ? "not" : "all", of: i % 2 ? classifier : [classifier] };
    expect(readFeature(feature({ default: value, buckets: [bucket(classifier)] })).ok).toBe(true);
  });

  test("a subtree shared by two places (not a cycle) is read twice", () => {
    const shared = { a: [1, 2] };
    expect(readFeature(feature({ default: [shared, shared] })).ok).toBe(true);
  });
});

describe("problems", () => {
  const date = new Date(0);
  class Money {
    amount = 1;
  }
  // [what, document, path, kind, message]
  const cases: [string, unknown, (string | number)[], DocumentProblem["kind"], string][] = [
    ["not an object", null, [], "shape", "expected a feature, got null"],
    ["an array", [], [], "shape", "expected a feature, got an array"],
    [
      "format version 2",
      feature({ formatVersion: 2 }),
      ["formatVersion"],
      "shape",
      "expected format version 1, got the number 2",
    ],
    ["an experiment read as a feature", greeting, ["kind"], "shape", 'expected "feature", got the string "experiment"'],
    ["an empty name", feature({ name: "" }), ["name"], "shape", 'expected a non-empty string, got the string ""'],
    [
      "a description number",
      feature({ description: 5 }),
      ["description"],
      "shape",
      "expected a string, got the number 5",
    ],
    [
      "runtimes a string",
      feature({ runtimes: "nodejs" }),
      ["runtimes"],
      "shape",
      'expected an array of runtimes, got the string "nodejs"',
    ],
    [
      "an unknown runtime",
      feature({ runtimes: ["node", "nodejs"] }),
      ["runtimes", 1],
      "shape",
      'unknown runtime "nodejs"',
    ],
    [
      "buckets missing",
      feature({ buckets: undefined }),
      ["buckets"],
      "shape",
      "expected an array of buckets, got nothing",
    ],
    [
      "default missing",
      feature({ default: undefined }),
      ["default"],
      "json",
      "undefined is not JSON (a missing value?)",
    ],
    [
      "lt against a string",
      withClassifier({ kind: "lt", attribute: { kind: "static", value: 1 }, value: "10" }),
      ["buckets", 0, "classifier", "value"],
      "shape",
      'expected a number, got the string "10"',
    ],
    [
      "an unknown classifier kind",
      withClassifier({ kind: "between", attribute: country }),
      ["buckets", 0, "classifier", "kind"],
      "shape",
      'unknown classifier kind "between"',
    ],
    [
      "a classifier kind from Object.prototype",
      withClassifier({ kind: "constructor", attribute: country }),
      ["buckets", 0, "classifier", "kind"],
      "shape",
      'unknown classifier kind "constructor"',
    ],
    [
      "oneOf with a string",
      withClassifier({ kind: "oneOf", attribute: country, values: "NL" }),
      ["buckets", 0, "classifier", "values"],
      "shape",
      'expected an array of scalars, got the string "NL"',
    ],
    [
      "oneOf with an object in the list",
      withClassifier({ kind: "oneOf", attribute: country, values: ["NL", {}] }),
      ["buckets", 0, "classifier", "values", 1],
      "shape",
      "expected a string, number or boolean, got an object",
    ],
    [
      "not with an array",
      withClassifier({ kind: "not", of: [] }),
      ["buckets", 0, "classifier", "of"],
      "shape",
      "expected a classifier, got an array",
    ],
    [
      "an unknown attribute kind",
      withClassifier({ kind: "eq", attribute: { kind: "cookie" }, value: "x" }),
      ["buckets", 0, "classifier", "attribute", "kind"],
      "shape",
      'unknown attribute kind "cookie"',
    ],
    [
      "a context type",
      withClassifier({ kind: "eq", attribute: { kind: "context", key: "age", type: "int" }, value: 1 }),
      ["buckets", 0, "classifier", "attribute", "type"],
      "shape",
      'unknown context type "int"',
    ],
    [
      "an empty context key",
      withClassifier({ kind: "eq", attribute: { kind: "context", key: "", type: "string" }, value: "x" }),
      ["buckets", 0, "classifier", "attribute", "key"],
      "shape",
      'expected a non-empty string, got the string ""',
    ],
    [
      "a pattern that does not compile",
      withClassifier({ kind: "regexMatch", attribute: country, pattern: "(" }),
      ["buckets", 0, "classifier", "pattern"],
      "regex",
      "Invalid regular expression: /(/: Unterminated group",
    ],
    ...["g", "ii", "x", "imsuy"].map((flags): (typeof cases)[number] => [
      `flags ${flags}`,
      withClassifier({ kind: "regexMatch", attribute: country, pattern: "a", flags }),
      ["buckets", 0, "classifier", "flags"],
      "regex",
      `expected distinct flags among i m s u, got the string "${flags}"`,
    ]),
    ["NaN", feature({ default: NaN }), ["default"], "json", "NaN is not a finite number, and JSON has no NaN"],
    [
      "-Infinity",
      feature({ default: -Infinity }),
      ["default"],
      "json",
      "-Infinity is not a finite number, and JSON has no -Infinity",
    ],
    ["a function", feature({ default: () => 1 }), ["default"], "json", "a function is not JSON"],
    ["a symbol", feature({ default: Symbol("x") }), ["default"], "json", "a symbol is not JSON"],
    ["a bigint", feature({ default: 10n }), ["default"], "json", "a bigint is not JSON"],
    [
      "a Date",
      feature({ default: date }),
      ["default"],
      "json",
      "a Date is not JSON: only plain objects and arrays are",
    ],
    [
      "a Map",
      feature({ default: { m: new Map() } }),
      ["default", "m"],
      "json",
      "a Map is not JSON: only plain objects and arrays are",
    ],
    [
      "an Error",
      feature({ default: new Error("x") }),
      ["default"],
      "json",
      "an Error is not JSON: only plain objects and arrays are",
    ],
    [
      "a class instance",
      feature({ default: new Money() }),
      ["default"],
      "json",
      "a Money is not JSON: only plain objects and arrays are",
    ],
    [
      "an inherited document",
      Object.create(feature()),
      [],
      "json",
      "an object is not JSON: only plain objects and arrays are",
    ],
    ["an array hole", feature({ default: [1, , 3] }), ["default", 1], "json", "an array hole is not JSON"],
    [
      "a NaN compared",
      withClassifier({ kind: "gt", attribute: country, value: NaN }),
      ["buckets", 0, "classifier", "value"],
      "json",
      "NaN is not a finite number, and JSON has no NaN",
    ],
  ];

  test.each(cases)("%s", (_, document, path, kind, message) => {
    expect(problems(readFeature(document))[0]).toEqual({ path, kind, message });
  });

  test("every problem is reported, each at its path, in document order", () => {
    const document = feature({
      description: 5,
      runtimes: "nodejs",
      buckets: [
        bucket({ kind: "oneOf", attribute: country, values: "NL" }, () => 1),
        bucket({ kind: "lt", attribute: { kind: "static", value: 1 }, value: "10" }, NaN),
      ],
      default: undefined,
    });
    expect(problems(readFeature(document)).map(({ path }) => path.join("."))).toEqual([
      "description",
      "runtimes",
      "buckets.0.classifier.values",
      "buckets.0.value",
      "buckets.1.classifier.value",
      "buckets.1.value",
      "default",
    ]);
  });

  test("at most 50 problems, and then it stops", () => {
    const document = feature({ buckets: Array.from({ length: 10_000 }, () => null) });
    expect(problems(readFeature(document))).toHaveLength(50);
  });

  test("a cycle, through values or classifiers, is found, not followed", () => {
    const value: Json = { a: [] };
    (value.a as unknown[]).push(value);
    expect(problems(readFeature(feature({ default: value })))).toEqual([
      { path: ["default", "a", 0], kind: "json", message: "refers to itself (a cycle)" },
    ]);
    const classifier: Json = { kind: "all", of: [] };
    (classifier.of as unknown[]).push(classifier);
    expect(problems(readFeature(withClassifier(classifier)))).toEqual([
      { path: ["buckets", 0, "classifier", "of", 0], kind: "json", message: "refers to itself (a cycle)" },
    ]);
    const document = feature();
    document.self = document; // an unknown key: not read
    (document.buckets as unknown[]).push(document);
    expect(problems(readFeature(document))).toEqual([
      { path: ["buckets", 2], kind: "json", message: "refers to itself (a cycle)" },
    ]);
  });

  test(`nesting deeper than ${MAX_DEPTH}, in a value or a classifier tree`, () => {
    let value: unknown = 1;
    for (let i = 0; i <= MAX_DEPTH; i++) value = { v: value };
    const [deepValue] = problems(readFeature(feature({ default: value })));
    expect(deepValue).toMatchObject({ kind: "json", message: `nested more than ${MAX_DEPTH} levels deep` });
    expect(deepValue!.path).toHaveLength(1 + MAX_DEPTH);
    let classifier: unknown = { kind: "all", of: [] };
    for (let i = 0; i < MAX_DEPTH; i++) classifier = { kind: "not", of: classifier };
    const [deepTree] = problems(readFeature(withClassifier(classifier)));
    expect(deepTree).toMatchObject({ kind: "json", message: `nested more than ${MAX_DEPTH} levels deep` });
  });

  test("getters and Proxies that throw are problems where they are, never throws", () => {
    const document = feature();
    Object.defineProperty(document, "name", {
      enumerable: true,
      get() {
        throw new Error("no name today");
      },
    });
    (document.buckets as unknown[])[1] = hostile();
    document.default = { ok: 1, bad: hostile() };
    expect(problems(readFeature(document))).toEqual([
      { path: ["name"], kind: "json", message: "could not be read: no name today" },
      { path: ["buckets", 1], kind: "json", message: "could not be read: getPrototypeOf trap" },
      { path: ["default", "bad"], kind: "json", message: "could not be read: getPrototypeOf trap" },
    ]);
    expect(problems(readFeature(hostile()))).toEqual([
      { path: [], kind: "json", message: "could not be read: getPrototypeOf trap" },
    ]);
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(problems(readFeature(proxy))[0]).toMatchObject({ path: [], kind: "json" });
  });

  test("a thrown value that cannot be printed still makes a message", () => {
    const document = feature();
    Object.defineProperty(document, "name", {
      enumerable: true,
      get() {
        throw Object.create(null);
      },
    });
    expect(problems(readFeature(document))).toEqual([
      { path: ["name"], kind: "json", message: "could not be read: an object" },
    ]);
  });

  test("inherited properties are not read: a polluted Object.prototype does not fill a gap", () => {
    const prototype = Object.prototype as Record<string, unknown>;
    prototype.buckets = [];
    try {
      expect(problems(readFeature(feature({ buckets: undefined })))).toEqual([
        { path: ["buckets"], kind: "shape", message: "expected an array of buckets, got nothing" },
      ]);
    } finally {
      delete prototype.buckets;
    }
  });

  test("values that would take forever are cut short: a shared subtree 40 levels deep, a huge sparse array", () => {
    let shared: unknown = [1];
    for (let i = 0; i < 40; i++) shared = [shared, shared];
    const start = performance.now();
    expect(problems(readFeature(feature({ default: shared })))).toEqual([
      expect.objectContaining({ kind: "json", message: "more than 1000000 values" }),
    ]);
    const sparse: unknown[] = [];
    sparse.length = 2 ** 32 - 1;
    expect(problems(readFeature(feature({ default: sparse })))).toHaveLength(50);
    const endless = new Proxy([], {
      get: (_, key) => (key === "length" ? 1e15 : 0),
      getOwnPropertyDescriptor: () => ({ value: 0, writable: true, enumerable: true, configurable: true }),
    });
    expect(problems(readFeature(feature({ default: endless })))).toHaveLength(1);
    expect(performance.now() - start).toBeLessThan(5_000);
  });
});

describe("experiments", () => {
  const cases: [string, unknown, (string | number)[], string][] = [
    ["a salt missing", experiment({ salt: undefined }), ["salt"], "expected a string, got nothing"],
    [
      "an unknown algorithm",
      experiment({ algorithm: { kind: "ucb9" } }),
      ["algorithm", "kind"],
      'unknown algorithm kind "ucb9"',
    ],
    [
      "a negative weight",
      experiment({ algorithm: { kind: "weighted", weights: { control: -1 } } }),
      ["algorithm", "weights", "control"],
      "expected a non-negative number, got the number -1",
    ],
    [
      "weights an array",
      experiment({ algorithm: { kind: "weighted", weights: [1] } }),
      ["algorithm", "weights"],
      "expected an object of weights, got an array",
    ],
    [
      "no variants",
      experiment({ variants: [] }),
      ["variants"],
      "expected a non-empty array of variants, got an empty array",
    ],
    [
      "a variant without a name",
      experiment({ variants: [{ symbols: {} }] }),
      ["variants", 0, "name"],
      "expected a non-empty string, got nothing",
    ],
    [
      "symbols an array",
      experiment({ variants: [{ name: "a", symbols: [] }] }),
      ["variants", 0, "symbols"],
      "expected an object of symbols, got an array",
    ],
    [
      "a symbol undefined",
      experiment({ variants: [{ name: "a", symbols: { x: undefined } }] }),
      ["variants", 0, "symbols", "x"],
      "undefined is not JSON (a missing value?)",
    ],
    [
      "two variants with one name",
      experiment({
        variants: [
          { name: "a", symbols: {} },
          { name: "b", symbols: {} },
          { name: "a", symbols: {} },
        ],
      }),
      ["variants", 2, "name"],
      'a second variant named "a"',
    ],
  ];

  test.each(cases)("%s", (_, document, path, message) => {
    expect(problems(readExperiment(document))).toEqual([{ path, kind: expect.any(String), message }]);
  });

  test("the compiler's rules are not the reader's: missing weights and differing symbols read fine", () => {
    const document = experiment({
      algorithm: { kind: "weighted", weights: { control: 1.5, nobody: 2 } },
      variants: [
        { name: "control", symbols: { a: 1 } },
        { name: "other", symbols: { b: "x" } },
      ],
    });
    expect(readExperiment(document).ok).toBe(true);
    const result: ReadResult<ExperimentJson> = readExperiment(document);
    const copy: ReadResult<FeatureJson> = readFeature(
      feature({ buckets: [bucket({ kind: "all", of: [] }), bucket({ kind: "any", of: [] })] }),
    );
    expect(result.ok && copy.ok).toBe(true);
  });
});
