import {
  createFeatures,
  murmur3,
  type ClassifierJson,
  type Environment,
  type EvaluationContext,
  type FeatureEvaluation,
  type FeatureJson,
  type JsonValue,
} from "prosper-runtime";
import { describe, expect, test } from "vitest";
import { createFeatures as createGeneratedFeatures } from "../../generated/index.js";
import conformance from "../conformance/features.json" with { type: "json" };

interface Expected {
  readonly value: JsonValue;
  readonly bucket: string;
  readonly reason: string;
  readonly messageIncludes?: string;
}
type Case = [
  name: string,
  document: FeatureJson,
  context: EvaluationContext,
  environment: Environment,
  expected: Expected,
];

const cases = conformance.cases as unknown as Case[];

// A fixed environment, so that nothing depends on the machine the tests run on.
const env: Environment = { hostname: "web-1", sessionRandom: 0.5, runtime: "node", runtimeVersion: "20.19.0" };

const feature = (name: string, buckets: FeatureJson["buckets"], fallback: JsonValue = false): FeatureJson => ({
  formatVersion: 1,
  kind: "feature",
  name,
  buckets,
  default: fallback,
});

// Documents that cannot be read are reported to onError; these tests look at the results.
const quiet = { onError: () => {} };

const evaluateOne = (document: FeatureJson, context: EvaluationContext = {}, environment: Environment = env) =>
  createFeatures([document], { ...environment, ...quiet }).evaluate(document.name, context);

describe("conformance (test/conformance/features.json)", () => {
  test("is spec version 1 with uniquely named cases", () => {
    expect(conformance.specVersion).toBe(1);
    expect(new Set(cases.map(([name]) => name)).size).toBe(cases.length);
    expect(cases.length).toBeGreaterThanOrEqual(35);
  });

  test.each(cases)("%s", (_name, document, context, environment, expected) => {
    // Evaluate a copy, so that no row can see what another did to its document.
    const copy = structuredClone(document);
    const result = createFeatures([copy], { ...environment, ...quiet }).evaluate(copy.name, context);
    expect({ value: result.value, bucket: result.bucket, reason: result.reason }).toEqual({
      value: expected.value,
      bucket: expected.bucket,
      reason: expected.reason,
    });
    if (expected.messageIncludes !== undefined) expect(result.message).toContain(expected.messageIncludes);
    else if (expected.reason === "ERROR" || expected.reason === "DISABLED") expect(result.message).toMatch(/\S/);
    else expect(result.message).toBeUndefined();
  });
});

describe("garbage documents", () => {
  const broken: [label: string, document: unknown][] = [
    ["missing buckets", { formatVersion: 1, kind: "feature", name: "no-buckets", default: 3 }],
    ["buckets null", { formatVersion: 1, kind: "feature", name: "buckets-null", buckets: null, default: 3 }],
    ["a null bucket", { formatVersion: 1, kind: "feature", name: "null-bucket", buckets: [null], default: 3 }],
    ["a null classifier", feature("null-classifier", [{ name: "b", classifier: null as never, value: 1 }], 3)],
    ["all without of", feature("all-without-of", [{ name: "b", classifier: { kind: "all" } as never, value: 1 }], 3)],
    ["not without of", feature("not-without-of", [{ name: "b", classifier: { kind: "not" } as never, value: 1 }], 3)],
    [
      "a comparison without attribute",
      feature("no-attribute", [{ name: "b", classifier: { kind: "lt", value: 1 } as never, value: 1 }], 3),
    ],
    [
      "an unknown attribute kind",
      feature(
        "attribute-kind",
        [{ name: "b", classifier: { kind: "lt", attribute: { kind: "cookie" }, value: 1 } as never, value: 1 }],
        3,
      ),
    ],
    [
      "invalid regex flags",
      feature(
        "regex-flags",
        [
          {
            name: "b",
            classifier: { kind: "regexMatch", attribute: { kind: "hostname" }, pattern: "a", flags: "z" },
            value: 1,
          },
        ],
        3,
      ),
    ],
    ["format version as a string", { ...feature("version-string", [], 3), formatVersion: "1" }],
    ["no format version", { kind: "feature", name: "no-version", buckets: [], default: 3 }],
  ];

  test.each(broken)("%s: the default with reason ERROR, get returns it, reported once", (_label, document) => {
    const name = (document as FeatureJson).name;
    const reported: string[] = [];
    const features = createFeatures([document], { ...env, onError: (_, where) => reported.push(where) });
    const result = features.evaluate(name, { unitId: "user-1", country: "NL" });
    expect(result).toMatchObject({ value: 3, bucket: "default", reason: "ERROR" });
    expect(result.message).toMatch(/\S/);
    expect(features.get(name)).toBe(3);
    expect(reported).toEqual(["load documents[0]"]);
  });

  test("non-object documents and contexts never throw", () => {
    const documents: unknown[] = [null, undefined, {}, 42, "holdout", [], true];
    const features = createFeatures(documents, { ...env, ...quiet });
    for (const name of ["undefined", "null", "42", "holdout", ""]) {
      const result = features.evaluate(name);
      expect(result.reason).toBe("ERROR");
      expect(result.bucket).toBe("default");
    }
    const valid = createFeatures(
      [
        feature("f", [
          {
            name: "b",
            classifier: { kind: "lt", attribute: { kind: "context", key: "n", type: "number" }, value: 1 },
            value: true,
          },
        ]),
      ],
      { ...env, ...quiet },
    );
    for (const context of [
      null,
      undefined,
      {},
      { n: {} },
      { n: [0] },
      { n: null },
      { unitId: 5 },
    ] as unknown as EvaluationContext[]) {
      expect(() => valid.evaluate("f", context)).not.toThrow();
      expect(valid.get("f", context)).toBe(false);
    }
  });

  // Documents come from JSON files anyone can edit: a kind must be looked up as data, not as a property of an object.
  const prototypeNames = ["constructor", "toString", "valueOf", "hasOwnProperty", "isPrototypeOf", "__proto__"];

  test.each(prototypeNames)("classifier kind %j: ERROR, never a throw", (kind) => {
    const document = feature("proto-classifier", [
      { name: "b", classifier: { kind, attribute: { kind: "hostname" }, value: "x" } as never, value: true },
    ]);
    let result: FeatureEvaluation<unknown> | undefined;
    expect(() => (result = evaluateOne(document))).not.toThrow();
    expect(result).toMatchObject({ value: false, bucket: "default", reason: "ERROR" });
  });

  test.each(prototypeNames.flatMap((kind) => [{ kind }, { kind, key: "beta" }]))(
    "attribute %j: ERROR, never a throw",
    (attribute) => {
      const document = feature("proto-attribute", [
        { name: "b", classifier: { kind: "eq", attribute: attribute as never, value: "x" }, value: true },
      ]);
      let result: FeatureEvaluation<unknown> | undefined;
      expect(() => (result = evaluateOne(document, { beta: "x" }))).not.toThrow();
      expect(result).toMatchObject({ value: false, bucket: "default", reason: "ERROR" });
    },
  );
});

describe("results", () => {
  const document = (): FeatureJson =>
    feature(
      "config",
      [
        {
          name: "nl",
          classifier: { kind: "eq", attribute: { kind: "context", key: "country", type: "string" }, value: "NL" },
          value: { pageSize: 10, nested: { tags: ["a", "b"] } },
        },
      ],
      { pageSize: 20, nested: { tags: [] } },
    );

  test("get returns the evaluated value", () => {
    const features = createFeatures([document()], env);
    expect(features.get("config", { country: "NL" })).toEqual({ pageSize: 10, nested: { tags: ["a", "b"] } });
    expect(features.get("config", { country: "BE" })).toEqual({ pageSize: 20, nested: { tags: [] } });
    expect(features.get("config")).toEqual({ pageSize: 20, nested: { tags: [] } });
  });

  // Results are shared between evaluations, so evaluating allocates nothing; they are frozen (as
  // are their values), so that sharing them is safe: see features-robustness.test.ts.
  test("the same bucket gives the same result object, sharing one value", () => {
    const features = createFeatures([document()], env);
    const first = features.evaluate("config", { country: "NL", unitId: "a" });
    const second = features.evaluate("config", { country: "NL", unitId: "b" });
    expect(second).toBe(first);
    expect(features.evaluate("config", { country: "BE" })).toBe(features.evaluate("config", { country: "DE" }));
    expect(first.value).toBe(features.evaluate("config", { country: "NL", unitId: "c" }).value);
    expect(features.get("config", { country: "NL" })).toEqual({ pageSize: 10, nested: { tags: ["a", "b"] } });
  });

  test("ERROR and DISABLED results are shared too", () => {
    const disabled = createFeatures([{ ...document(), runtimes: ["deno"] }], env);
    expect(disabled.evaluate("config")).toBe(disabled.evaluate("config", { country: "NL" }));
    const broken = createFeatures([{ ...document(), formatVersion: 0 }], { ...env, ...quiet });
    expect(broken.evaluate("config")).toBe(broken.evaluate("config", { country: "NL" }));
  });

  test("an unknown feature name: value undefined, reason ERROR, a message naming it", () => {
    const features = createFeatures([document()], env);
    const result = features.evaluate("no-such-feature", { country: "NL" });
    expect(result).toMatchObject({ value: undefined, bucket: "default", reason: "ERROR" });
    expect(result.message).toContain("no-such-feature");
    expect(features.get("no-such-feature")).toBeUndefined();
  });

  test("an unknown classifier names the bucket and the key it could not read", () => {
    const result = evaluateOne(
      feature("rollout", [
        {
          name: "benelux",
          classifier: {
            kind: "oneOf",
            attribute: { kind: "context", key: "country", type: "string" },
            values: ["NL", "BE"],
          },
          value: true,
        },
      ]),
    );
    expect(result).toMatchObject({ value: false, bucket: "default", reason: "DEFAULT" });
    expect(result.message).toContain("benelux");
    expect(result.message).toContain("country");
  });
});

describe("the generated module", () => {
  test("holdout: PyOF's expected buckets on a len* host", () => {
    const on = (sessionRandom: number, hostname = "lenovo-1") =>
      createGeneratedFeatures({ ...env, hostname, sessionRandom }).evaluate("holdout");
    expect(on(0.05)).toMatchObject({ value: true, bucket: "holdout", reason: "SPLIT" });
    expect(on(0.0999)).toMatchObject({ value: true, bucket: "holdout", reason: "SPLIT" });
    expect(on(0.1)).toMatchObject({ value: false, bucket: "control", reason: "SPLIT" });
    expect(on(0.15)).toMatchObject({ value: false, bucket: "control", reason: "SPLIT" });
    expect(on(0.2)).toMatchObject({ value: false, bucket: "default", reason: "DEFAULT" });
    expect(on(0.95)).toMatchObject({ value: false, bucket: "default", reason: "DEFAULT" });
    expect(on(0.05, "web-1")).toMatchObject({ value: false, bucket: "default", reason: "DEFAULT" });
    expect(on(0.05, "len")).toMatchObject({ value: false, bucket: "default", reason: "DEFAULT" });
  });

  test("holdout: a unitId decides instead of the process's number (sessionRandom:user-1 = 0.1918...)", () => {
    const features = createGeneratedFeatures({ ...env, hostname: "lenovo-1", sessionRandom: 0.05 });
    expect(features.evaluate("holdout", { unitId: "user-1" })).toMatchObject({
      value: false,
      bucket: "control",
      reason: "SPLIT",
    });
    expect(features.get("holdout")).toBe(true);
  });

  test("new-checkout: staff first, then a quarter of the Benelux by its own salt", () => {
    const features = createGeneratedFeatures({ ...env, sessionRandom: 0.1 });
    expect(features.evaluate("new-checkout", { staff: true })).toMatchObject({
      value: true,
      bucket: "staff",
      reason: "TARGETING_MATCH",
    });
    expect(features.evaluate("new-checkout", { staff: true, country: "DE" })).toMatchObject({
      value: true,
      bucket: "staff",
    });
    expect(features.evaluate("new-checkout", { staff: false, country: "NL" })).toMatchObject({
      value: true,
      bucket: "benelux-rollout",
      reason: "SPLIT",
    });
    expect(features.evaluate("new-checkout", { staff: false, country: "LU" })).toMatchObject({
      value: true,
      bucket: "benelux-rollout",
      reason: "SPLIT",
    });
    expect(features.evaluate("new-checkout", { staff: false, country: "DE" })).toEqual({
      value: false,
      bucket: "default",
      reason: "DEFAULT",
    });
    // new-checkout:user-1 is 0.519 (not < 0.25), though sessionRandom:user-1 (0.19) would be.
    expect(features.evaluate("new-checkout", { staff: false, country: "NL", unitId: "user-1" })).toEqual({
      value: false,
      bucket: "default",
      reason: "DEFAULT",
    });
    expect(
      createGeneratedFeatures({ ...env, sessionRandom: 0.25 }).evaluate("new-checkout", {
        staff: false,
        country: "BE",
      }),
    ).toMatchObject({
      value: false,
      bucket: "default",
    });
  });

  test("new-checkout: an empty context does not match, and says what was missing", () => {
    const result = createGeneratedFeatures({ ...env, sessionRandom: 0.1 }).evaluate("new-checkout", {});
    expect(result).toMatchObject({ value: false, bucket: "default", reason: "DEFAULT" });
    expect(result.message).toContain("staff");
    expect(result.message).toContain("benelux-rollout");
    expect(result.message).toContain("country");
  });

  test("search-page-size: mobile apps get 10, power users 50, everyone else 20", () => {
    const features = createGeneratedFeatures(env);
    expect(features.evaluate("search-page-size", { platform: "ios" })).toEqual({
      value: 10,
      bucket: "mobile",
      reason: "TARGETING_MATCH",
    });
    expect(features.get("search-page-size", { platform: "android", searchesLastWeek: 500 })).toBe(10);
    expect(features.evaluate("search-page-size", { platform: "web", searchesLastWeek: 50 })).toEqual({
      value: 50,
      bucket: "power-users",
      reason: "TARGETING_MATCH",
    });
    expect(features.evaluate("search-page-size", { platform: "web", searchesLastWeek: 49 })).toEqual({
      value: 20,
      bucket: "default",
      reason: "DEFAULT",
    });
    expect(features.get("search-page-size", { platform: "windows-phone" })).toBe(20);
    const value: 10 | 20 | 50 = features.get("search-page-size", {});
    expect(value).toBe(20);
  });
});

/** mulberry32: a small seeded PRNG, so that the property tests are reproducible. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("properties (seeded)", () => {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-_:@. éπ😀";

  test("sessionRandom().lt(t) matches exactly when murmur3(salt:unitId) / 2^32 < t", () => {
    const random = prng(20240501);
    for (let i = 0; i < 500; i++) {
      const length = Math.floor(random() * 12);
      const unitId = Array.from({ length }, () => [...alphabet][Math.floor(random() * [...alphabet].length)]).join("");
      const salt = random() < 0.5 ? undefined : `salt-${Math.floor(random() * 5)}`;
      const fraction = murmur3(`${salt ?? "sessionRandom"}:${unitId}`) / 4294967296;
      // Some thresholds sit exactly on the fraction, to test the boundary.
      const threshold = random() < 0.2 ? fraction : random();
      const attribute =
        salt === undefined ? { kind: "sessionRandom" as const } : { kind: "sessionRandom" as const, salt };
      const features = createFeatures(
        [
          feature("lt", [{ name: "in", classifier: { kind: "lt", attribute, value: threshold }, value: true }]),
          feature("gte", [{ name: "in", classifier: { kind: "gte", attribute, value: threshold }, value: true }]),
        ],
        { ...env, sessionRandom: random() },
      );
      const label = `unitId ${JSON.stringify(unitId)}, salt ${salt}, threshold ${threshold}, fraction ${fraction}`;
      expect(features.get("lt", { unitId }), label).toBe(fraction < threshold);
      expect(features.get("gte", { unitId }), label).toBe(fraction >= threshold);
      expect(features.evaluate("lt", { unitId }).reason, label).toBe(fraction < threshold ? "SPLIT" : "DEFAULT");
    }
  });

  test("without a unitId, sessionRandom().lt(t) compares the environment's number", () => {
    const random = prng(7);
    for (let i = 0; i < 500; i++) {
      const sessionRandom = random();
      const threshold = random() < 0.2 ? sessionRandom : random();
      const features = createFeatures(
        [
          feature("lt", [
            {
              name: "in",
              classifier: { kind: "lt", attribute: { kind: "sessionRandom", salt: "x" }, value: threshold },
              value: true,
            },
          ]),
        ],
        { ...env, sessionRandom },
      );
      expect(features.get("lt", {}), `${sessionRandom} < ${threshold}`).toBe(sessionRandom < threshold);
    }
  });

  type Kleene = true | false | "unknown";
  const keys = ["a", "b", "c", "d"];

  // A reference evaluator written from the definition of Kleene's logic, not from the runtime.
  function reference(classifier: ClassifierJson, context: EvaluationContext): Kleene {
    switch (classifier.kind) {
      case "all": {
        const results = classifier.of.map((inner) => reference(inner, context));
        return results.includes(false) ? false : results.includes("unknown") ? "unknown" : true;
      }
      case "any": {
        const results = classifier.of.map((inner) => reference(inner, context));
        return results.includes(true) ? true : results.includes("unknown") ? "unknown" : false;
      }
      case "not": {
        const result = reference(classifier.of, context);
        return result === "unknown" ? "unknown" : !result;
      }
      case "lt": {
        const attribute = classifier.attribute;
        const actual = attribute.kind === "context" ? context[attribute.key] : undefined;
        return typeof actual === "number" ? actual < classifier.value : "unknown";
      }
      default:
        throw new Error(`the generator makes no ${classifier.kind}`);
    }
  }

  function tree(random: () => number, depth: number): ClassifierJson {
    const pick = random();
    if (depth === 0 || pick < 0.35) {
      const key = keys[Math.floor(random() * keys.length)]!;
      return {
        kind: "lt",
        attribute: { kind: "context", key, type: "number" },
        value: Math.round(random() * 100) / 100,
      };
    }
    if (pick < 0.55) return { kind: "not", of: tree(random, depth - 1) };
    const of = Array.from({ length: 1 + Math.floor(random() * 3) }, () => tree(random, depth - 1));
    return { kind: pick < 0.775 ? "all" : "any", of };
  }

  function context(random: () => number): EvaluationContext {
    const result: Record<string, string | number> = {};
    for (const key of keys) {
      const pick = random();
      if (pick < 0.25) continue; // missing: unknown
      result[key] = pick < 0.4 ? "0.5" : Math.round(random() * 100) / 100; // a string is the wrong type: unknown
    }
    return result;
  }

  test("all/any/not follow Kleene's logic, and not(x) is the Kleene negation of x", () => {
    const random = prng(1337);
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const classifier = tree(random, 3);
      const input = context(random);
      const expected = reference(classifier, input);
      const features = createFeatures(
        [
          feature("x", [{ name: "bucket-x", classifier, value: "x" }], "none"),
          feature(
            "not-x",
            [{ name: "bucket-not-x", classifier: { kind: "not", of: classifier }, value: "not-x" }],
            "none",
          ),
        ],
        env,
      );
      const label = `${JSON.stringify(classifier)} with ${JSON.stringify(input)}`;
      const x = features.evaluate("x", input);
      const notX = features.evaluate("not-x", input);
      seen.add(String(expected));
      if (expected === true) {
        expect(x, label).toEqual({ value: "x", bucket: "bucket-x", reason: "TARGETING_MATCH" });
        expect(notX, label).toEqual({ value: "none", bucket: "default", reason: "DEFAULT" });
      } else if (expected === false) {
        expect(x, label).toEqual({ value: "none", bucket: "default", reason: "DEFAULT" });
        expect(notX, label).toEqual({ value: "not-x", bucket: "bucket-not-x", reason: "TARGETING_MATCH" });
      } else {
        expect(x, label).toMatchObject({ value: "none", bucket: "default", reason: "DEFAULT" });
        expect(x.message, label).toContain("bucket-x");
        expect(notX, label).toMatchObject({ value: "none", bucket: "default", reason: "DEFAULT" });
        expect(notX.message, label).toContain("bucket-not-x");
      }
    }
    // The generator must reach all three outcomes, or the test proves little.
    expect([...seen].sort()).toEqual(["false", "true", "unknown"]);
  });
});
