import {
  createFeatures,
  MAX_UNIT_ID_LENGTH,
  type ClassifierJson,
  type EvaluationContext,
  type FeatureEvaluation,
  type FeatureJson,
  type JsonValue,
} from "prosper-runtime";
import { afterEach, describe, expect, test, vi } from "vitest";

const env = { hostname: "web-1", sessionRandom: 0.5, runtime: "node", runtimeVersion: "20.19.0" } as const;

const feature = (classifier: unknown, overrides: Record<string, unknown> = {}): FeatureJson =>
  ({
    formatVersion: 1,
    kind: "feature",
    name: "f",
    buckets: [{ name: "b", classifier: classifier as ClassifierJson, value: "on" }],
    default: "off",
    ...overrides,
  }) as FeatureJson;

const byCountry: ClassifierJson = {
  kind: "eq",
  attribute: { kind: "context", key: "country", type: "string" },
  value: "NL",
};

/** createFeatures with a recording onError. */
function setup(documents: unknown, options: Record<string, unknown> = {}) {
  const reported: { error: unknown; where: string }[] = [];
  const features = createFeatures(
    documents as never,
    {
      ...env,
      onError: (error: unknown, where: string) => reported.push({ error, where }),
      ...options,
    } as never,
  );
  return { features, reported, messages: () => reported.map(({ error }) => (error as Error).message) };
}

/** A Proxy whose every trap throws. */
const hostile = () =>
  new Proxy(
    {},
    Object.fromEntries(
      ["get", "has", "ownKeys", "getPrototypeOf", "getOwnPropertyDescriptor"].map((trap) => [
        trap,
        () => {
          throw new Error(`${trap} trap`);
        },
      ]),
    ),
  );

afterEach(() => {
  vi.restoreAllMocks();
});

describe("documents that used to misevaluate are ERROR and the default", () => {
  test('oneOf with values "NL" no longer matches country "N"', () => {
    const { features, reported } = setup([
      feature({ kind: "oneOf", attribute: { kind: "context", key: "country", type: "string" }, values: "NL" }),
    ]);
    const message = 'buckets[0].classifier.values: expected an array of scalars, got the string "NL"';
    for (const country of ["N", "NL", "L"])
      expect(features.evaluate("f", { country })).toEqual({
        value: "off",
        bucket: "default",
        reason: "ERROR",
        message,
      });
    expect(reported).toEqual([{ error: new Error(message), where: "load documents[0]" }]);
  });

  test('runtimes "nodejs" no longer runs on node', () => {
    const { features, messages } = setup([feature({ kind: "all", of: [] }, { runtimes: "nodejs" })]);
    expect(features.evaluate("f")).toMatchObject({ value: "off", bucket: "default", reason: "ERROR" });
    expect(messages()).toEqual(['runtimes: expected an array of runtimes, got the string "nodejs"']);
    const listed = setup([feature({ kind: "all", of: [] }, { runtimes: ["nodejs"] })]);
    expect(listed.features.evaluate("f")).toMatchObject({ value: "off", reason: "ERROR" });
    expect(listed.messages()).toEqual(['runtimes[0]: unknown runtime "nodejs"']);
  });

  test('lt against the string "10" no longer coerces', () => {
    const { features } = setup([
      feature({ kind: "lt", attribute: { kind: "context", key: "age", type: "number" }, value: "10" }),
    ]);
    expect(features.evaluate("f", { age: 5 })).toEqual({
      value: "off",
      bucket: "default",
      reason: "ERROR",
      message: 'buckets[0].classifier.value: expected a number, got the string "10"',
    });
  });

  test("the message counts the other problems; an invalid default is undefined", () => {
    const { features, reported } = setup([feature(byCountry, { description: 5, default: () => "off" })]);
    expect(features.evaluate("f", { country: "NL" })).toEqual({
      value: undefined,
      bucket: "default",
      reason: "ERROR",
      message: "description: expected a string, got the number 5 (and 1 more)",
    });
    expect(reported).toHaveLength(1);
  });

  test("a document without a readable name is reported, and unknown", () => {
    const { features, messages } = setup([{ ...feature(byCountry), name: 7 }]);
    expect(messages()).toEqual(["name: expected a non-empty string, got the number 7"]);
    expect(features.evaluate("f")).toMatchObject({ reason: "ERROR", message: 'unknown feature "f"' });
  });
});

describe("garbage never throws", () => {
  const labelled: [string, unknown][] = [
    ["null", null],
    ["undefined", undefined],
    ["0", 0],
    ["a string", "features"],
    ["true", true],
    ["an object", {}],
    ["a function", () => []],
    ["a symbol", Symbol("x")],
    ["a bigint", 10n],
    ["a Proxy that throws", hostile()],
    ["a Map", new Map()],
  ];
  const junk = labelled.map(([, value]) => value);

  test.each(labelled)("documents: %s", (_, documents) => {
    let result: FeatureEvaluation<unknown> | undefined;
    expect(() => (result = setup(documents).features.evaluate("f"))).not.toThrow();
    expect(result).toMatchObject({ value: undefined, bucket: "default", reason: "ERROR" });
  });

  test("an array of junk: each one reported, the good one still works", () => {
    const throwingElement: unknown[] = [feature(byCountry)];
    Object.defineProperty(throwingElement, 1, {
      enumerable: true,
      get() {
        throw new Error("element getter");
      },
    });
    const { features, reported } = setup([...junk, feature(byCountry, { name: "good" })]);
    expect(reported).toHaveLength(junk.length);
    expect(features.get("good", { country: "NL" })).toBe("on");
    const partly = setup(throwingElement);
    expect(partly.reported).toEqual([{ error: new Error("element getter"), where: "load documents[1]" }]);
    expect(partly.features.get("f", { country: "NL" })).toBe("on");
  });

  test("a sparse array of length 2^32 - 1 costs nothing", () => {
    const sparse: unknown[] = [feature(byCountry)];
    sparse.length = 2 ** 32 - 1;
    expect(setup(sparse).features.get("f", { country: "NL" })).toBe("on");
  });

  test.each(labelled)("options: %s", (_, options) => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const features = createFeatures([feature(byCountry)], options as never);
    expect(features.get("f", { country: "NL" })).toBe("on");
    if (options !== undefined && options !== null && typeof options !== "object") expect(warn).toHaveBeenCalled();
  });

  test("options whose getters throw: each reported, detection used instead", () => {
    const reported: string[] = [];
    const options = {
      onError: (_: unknown, where: string) => reported.push(where),
      get hostname(): string {
        throw new Error("hostname getter");
      },
      sessionRandom: 7,
      runtime: "nodejs",
      runtimeVersion: 20,
    };
    const features = createFeatures([feature(byCountry)], options as never);
    expect(features.get("f", { country: "NL" })).toBe("on");
    expect(reported).toEqual(["options", "options", "options.hostname", "options"]);
  });

  test("an onError that is not a function, or whose getter throws, falls back to console.warn", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    createFeatures([null], { onError: "loud" } as never);
    expect(warn).toHaveBeenCalledWith("prosper: options failed:", expect.any(TypeError));
    expect(warn).toHaveBeenCalledWith("prosper: load documents[0] failed:", expect.any(Error));
    warn.mockClear();
    const options = {
      get onError() {
        throw new Error("onError getter");
      },
    };
    createFeatures([null], options as never);
    expect(warn).toHaveBeenCalledTimes(2);
  });

  test("an onError that throws is swallowed", () => {
    const onError = () => {
      throw new Error("the logger is down too");
    };
    const features = createFeatures([null, feature(byCountry)], { onError });
    expect(features.evaluate("f", 5 as never)).toMatchObject({ value: "off", reason: "ERROR" });
  });

  test.each([
    ["a symbol", Symbol("f")],
    ["a number", 42],
    ["null", null],
    ["undefined", undefined],
    ["an object", {}],
    ["an object without a prototype", Object.create(null)],
    ["a Proxy that throws", hostile()],
    ["constructor", "constructor"],
    ["__proto__", "__proto__"],
  ])("feature name %s: ERROR, value undefined", (_, name) => {
    const { features } = setup([feature(byCountry)]);
    const result = features.evaluate(name as never);
    expect(result).toMatchObject({ value: undefined, bucket: "default", reason: "ERROR" });
    expect(result.message).toMatch(/^unknown feature /);
    expect(features.get(name as never)).toBeUndefined();
  });
});

describe("contexts", () => {
  test.each([null, undefined])("%s is no context", (context) => {
    const { features, reported } = setup([feature(byCountry)]);
    expect(features.evaluate("f", context as never)).toMatchObject({ value: "off", reason: "DEFAULT" });
    expect(reported).toEqual([]);
  });

  const getterThrows = Object.defineProperty({}, "country", {
    enumerable: true,
    get() {
      throw new Error("country getter");
    },
  });
  const unitGetterThrows = Object.defineProperty({}, "unitId", {
    get() {
      throw new Error("unitId getter");
    },
  });

  test.each([
    ["a number", 5, "expected an object as context, got the number 5"],
    ["a string", "NL", 'expected an object as context, got the string "NL"'],
    ["true", true, "expected an object as context, got true"],
    ["a function", () => ({ country: "NL" }), "expected an object as context, got a function"],
    ["a symbol", Symbol("NL"), "expected an object as context, got a symbol"],
    ["a getter that throws", getterThrows, "country getter"],
    ["a unitId getter that throws", unitGetterThrows, "unitId getter"],
    ["a Proxy that throws on every trap", hostile(), "get trap"],
    [
      "a unitId number",
      { unitId: 5 },
      `unitId: expected a string of at most ${MAX_UNIT_ID_LENGTH} characters, got the number 5`,
    ],
    [
      "a unitId object",
      { unitId: {} },
      `unitId: expected a string of at most ${MAX_UNIT_ID_LENGTH} characters, got an object`,
    ],
    [
      "a unitId too long",
      { unitId: "u".repeat(MAX_UNIT_ID_LENGTH + 1) },
      `unitId: expected a string of at most ${MAX_UNIT_ID_LENGTH} characters, got the string "${"u".repeat(40)}…"`,
    ],
  ])("%s: the default with reason ERROR, reported", (_, context, message) => {
    const { features, reported } = setup([feature(byCountry)]);
    const result = features.evaluate("f", context as never);
    expect(result).toEqual({ value: "off", bucket: "default", reason: "ERROR", message });
    expect(Object.isFrozen(result)).toBe(true);
    expect(reported).toEqual([{ error: expect.objectContaining({ message }), where: 'evaluate("f")' }]);
    expect(features.get("f", context as never)).toBe("off");
  });

  test(`a unitId of ${MAX_UNIT_ID_LENGTH} characters is fine, as is an empty one`, () => {
    const { features, reported } = setup([feature({ kind: "lt", attribute: { kind: "sessionRandom" }, value: 1 })]);
    expect(features.evaluate("f", { unitId: "u".repeat(MAX_UNIT_ID_LENGTH) }).reason).toBe("SPLIT");
    expect(features.evaluate("f", { unitId: "" }).reason).toBe("SPLIT");
    expect(reported).toEqual([]);
  });

  test("a DISABLED feature reads no context at all", () => {
    const { features, reported } = setup([feature(byCountry, { runtimes: ["deno"] })]);
    expect(features.evaluate("f", hostile() as never)).toMatchObject({ reason: "DISABLED" });
    expect(reported).toEqual([]);
  });
});

describe("results are frozen, values too", () => {
  const value: JsonValue = { pageSize: 10, tags: ["a"] };

  test.each([
    ["a match", { country: "NL" }],
    ["the default", { country: "BE" }],
    ["the default, with a message", {}],
    ["an ERROR", { unitId: 5 }],
  ] as [string, EvaluationContext][])("%s", (_, context) => {
    const { features } = setup([
      feature(byCountry, { buckets: [{ name: "nl", classifier: byCountry, value }], default: value }),
    ]);
    const result = features.evaluate("f", context);
    expect(Object.isFrozen(result)).toBe(true);
    expect(Object.isFrozen(result.value)).toBe(true);
    expect(Object.isFrozen((result.value as { tags: unknown[] }).tags)).toBe(true);
    expect(() => {
      (result as { value: unknown }).value = "mine";
    }).toThrow(TypeError);
    expect(() => {
      (result.value as { tags: string[] }).tags.push("b");
    }).toThrow(TypeError);
    expect(features.get("f", context)).toEqual(value);
  });

  test("the documents passed in are copied, not frozen nor kept", () => {
    const document = feature(byCountry, { default: { n: 1 } });
    const { features } = setup([document]);
    expect(Object.isFrozen(document)).toBe(false);
    (document.default as { n: number }).n = 2;
    expect(features.get("f")).toEqual({ n: 1 });
  });

  test("an unknown feature's and a DISABLED or broken feature's results are frozen", () => {
    const { features } = setup([
      feature(byCountry, { runtimes: ["deno"] }),
      feature(byCountry, { name: "g", formatVersion: 2 }),
    ]);
    for (const name of ["f", "g", "h"]) expect(Object.isFrozen(features.evaluate(name))).toBe(true);
  });
});
