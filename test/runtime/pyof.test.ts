import { readFileSync } from "node:fs";
import fc from "fast-check";
import { createFeatures, readFeature, type FeatureJson, type JsonValue } from "prosper-runtime";
import { fromPyof, pythonFloat, toPyof, translatePattern } from "prosper-runtime/pyof";
import { describe, expect, test } from "vitest";

/** CI has ../shared beside the repository. */
const interop = readFileSync(new URL("../../../shared/interop/pyof-ofs-test.json", import.meta.url), "utf8");

const load = (text: string | unknown, name = "f"): FeatureJson => {
  const read = fromPyof(text, { name });
  if (!read.ok) throw new Error(JSON.stringify(read.problems));
  return read.document;
};

const evaluate = (document: FeatureJson, hostname: string, sessionRandom: number) =>
  createFeatures([document], { hostname, sessionRandom, onError: () => {} }).evaluate(document.name);

/** A PyOF document with one bucket "b" (value true) and default false. */
const withClassifier = (classifier: JsonValue, extra: Record<string, JsonValue> = {}) =>
  JSON.stringify(
    {
      type: "offline-feature",
      python_versions: ["all"],
      buckets: [{ name: "b", classifier, value: true }],
      default: false,
      ...extra,
    },
    null,
    2,
  );

const hostname = { __type: "socket.hostname" };
const random = { __type: "random.session" };
const matches = (classifier: JsonValue, host = "lenovo", sessionRandom = 0.5) =>
  evaluate(load(withClassifier(classifier)), host, sessionRandom).value;

describe("the interop file PyOF wrote", () => {
  test("evaluates to the buckets its README gives", () => {
    const document = load(interop, "test");
    const at = (host: string, random: number) => {
      const { value, bucket } = evaluate(document, host, random);
      return [bucket, value];
    };
    expect(at("lenovo-t14", 0.05)).toEqual(["holdout", true]);
    expect(at("lenovo-t14", 0.0999)).toEqual(["holdout", true]);
    expect(at("lenovo-t14", 0.1)).toEqual(["control", false]);
    expect(at("lenovo-t14", 0.19)).toEqual(["control", false]);
    expect(at("lenovo-t14", 0.2)).toEqual(["default", false]);
    expect(at("lenovo-t14", 0.9)).toEqual(["default", false]);
    expect(at("thinkpad", 0.05)).toEqual(["default", false]);
    expect(at("len", 0.05)).toEqual(["default", false]); // `.+` needs one more character
  });

  test("goes back out byte for byte", () => {
    const out = toPyof(load(interop, "test"));
    expect(out).toEqual({ ok: true, text: interop });
  });

  test("is marked as PyOF's, and the runtime's reader accepts it", () => {
    const document = load(interop, "test");
    expect(document.semantics).toBe("pyof");
    expect(readFeature(document).ok).toBe(true);
  });
});

describe("PyOF's semantics", () => {
  test("a comparison across types does not match, and its negation does", () => {
    expect(matches({ __type: "comparison.lt", attribute: hostname, value: 5 })).toBe(false);
    expect(matches({ __type: "bool.none", value: { __type: "comparison.lt", attribute: hostname, value: 5 } })).toBe(
      true,
    );
    expect(matches({ __type: "comparison.eq", attribute: random, value: "0.5" })).toBe(false);
    expect(matches({ __type: "bool.none", value: { __type: "comparison.eq", attribute: random, value: "x" } })).toBe(
      true,
    );
    expect(matches({ __type: "comparison.gt", attribute: random, value: true })).toBe(false);
    expect(matches({ __type: "re.match", attribute: random, value: "." })).toBe(false);
    expect(matches({ __type: "bool.none", value: { __type: "re.match", attribute: random, value: "." } })).toBe(true);
  });

  test("bool.none negates a classifier, and takes any other value's Python truth", () => {
    expect(matches({ __type: "bool.none", value: { __type: "comparison.lt", attribute: random, value: 0.9 } })).toBe(
      false,
    );
    expect(matches({ __type: "bool.none", value: { __type: "comparison.lt", attribute: random, value: 0.1 } })).toBe(
      true,
    );
    for (const [value, expected] of [
      ["", true],
      ["x", false],
      [0, true],
      [0.0, true],
      [2, false],
      [false, true],
      [true, false],
      [[], true],
      [[{ __type: "comparison.lt", attribute: random, value: 0.1 }], false], // a list is not evaluated
    ] as const)
      expect(matches({ __type: "bool.none", value }), JSON.stringify(value)).toBe(expected);
    expect(fromPyof(withClassifier({ __type: "bool.none", value: null }), { name: "f" }).ok).toBe(false);
  });

  test("re.match is a search, with Python's . and $", () => {
    expect(matches({ __type: "re.match", attribute: hostname, value: "novo" }, "lenovo")).toBe(true);
    expect(matches({ __type: "re.match", attribute: hostname, value: "^novo" }, "lenovo")).toBe(false);
    expect(matches({ __type: "re.match", attribute: hostname, value: "o$" }, "lenovo\n")).toBe(true);
    expect(matches({ __type: "re.match", attribute: hostname, value: "a.b" }, "a\rb")).toBe(true);
    expect(matches({ __type: "re.match", attribute: hostname, value: "a.b" }, "a\nb")).toBe(false);
    expect(matches({ __type: "re.match", attribute: hostname, value: "(?P<n>len)ovo" }, "lenovo")).toBe(true);
    expect(matches({ __type: "re.match", attribute: hostname, value: "^.$" }, "😀")).toBe(true);
  });

  test("patterns that mean something else in JavaScript are problems", () => {
    for (const pattern of ["\\d+", "\\w", "(?i)len", "[]a]", "\\Z\\U0001F600", "(?P=n)", "a{,2}"]) {
      const read = fromPyof(withClassifier({ __type: "re.match", attribute: hostname, value: pattern }), { name: "f" });
      expect(read.ok, pattern).toBe(false);
      if (!read.ok) expect(read.problems[0]!.path).toEqual(["buckets", 0, "classifier", "value"]);
    }
    expect(translatePattern("^len.+")).toEqual({ ok: true, pattern: "^len[^\\n]+" });
  });

  test("comparison.eq: 3.0 equals 3, and strings compare with the hostname", () => {
    expect(matches({ __type: "comparison.eq", attribute: { __type: "static.number", value: 3 }, value: 3.0 })).toBe(
      true,
    );
    const text = withClassifier({
      __type: "comparison.eq",
      attribute: { __type: "static.number", value: 3 },
      value: 3,
    }).replace(/"value": 3\n/, '"value": 3.0\n');
    expect(text).toContain("3.0");
    expect(evaluate(load(text), "h", 0.5).value).toBe(true);
    expect(toPyof(load(text))).toEqual({ ok: true, text });
    expect(matches({ __type: "comparison.eq", attribute: hostname, value: "lenovo" })).toBe(true);
  });

  test("python_versions other than all are kept and written back", () => {
    const text = withClassifier({ __type: "bool.all", value: [] }, { python_versions: ["3.11", "3.12"] });
    const document = load(text);
    expect(document.runtimes).toBeUndefined();
    expect(evaluate(document, "h", 0.5).value).toBe(true);
    expect(toPyof(document)).toEqual({ ok: true, text });
  });
});

describe("toPyof", () => {
  const prosper = (classifier: unknown, extra: object = {}) => ({
    formatVersion: 1,
    kind: "feature",
    name: "p",
    buckets: [{ name: "b", classifier, value: 1.5 }],
    default: 3,
    ...extra,
  });
  const problem = (document: unknown) => {
    const out = toPyof(document);
    return out.ok ? "ok" : out.problems.map((found) => found.path.join(".") + ": " + found.message).join("; ");
  };

  test("writes prosper's own documents that PyOF can say", () => {
    const out = toPyof(prosper({ kind: "not", of: { kind: "lt", attribute: { kind: "sessionRandom" }, value: 1e-5 } }));
    expect(out.ok && out.text).toBe(
      [
        "{",
        '  "type": "offline-feature",',
        '  "python_versions": [',
        '    "all"',
        "  ],",
        '  "buckets": [',
        "    {",
        '      "name": "b",',
        '      "classifier": {',
        '        "__type": "bool.none",',
        '        "value": {',
        '          "__type": "comparison.lt",',
        '          "attribute": {',
        '            "__type": "random.session"',
        "          },",
        '          "value": 1e-05',
        "        }",
        "      },",
        '      "value": 1.5',
        "    }",
        "  ],",
        '  "default": 3',
        "}",
      ].join("\n"),
    );
  });

  test("refuses what PyOF's shape cannot say, naming it", () => {
    const lt = { kind: "lt", attribute: { kind: "sessionRandom" }, value: 0.5 };
    expect(
      problem(prosper({ kind: "eq", attribute: { kind: "context", key: "plan", type: "string" }, value: "x" })),
    ).toMatch(/context attributes/);
    expect(problem(prosper({ kind: "oneOf", attribute: { kind: "hostname" }, values: ["a"] }))).toMatch(/oneOf/);
    expect(problem(prosper({ kind: "ne", attribute: { kind: "hostname" }, value: "a" }))).toMatch(/not-equal/);
    expect(problem(prosper({ kind: "eq", attribute: { kind: "runtimeVersion" }, value: "20" }))).toMatch(
      /runtimeVersion/,
    );
    expect(problem(prosper({ kind: "eq", attribute: { kind: "static", value: "s" }, value: "s" }))).toMatch(
      /static string/,
    );
    expect(problem(prosper({ kind: "regexMatch", attribute: { kind: "hostname" }, pattern: "a", flags: "i" }))).toMatch(
      /flags/,
    );
    expect(problem(prosper({ kind: "lt", attribute: { kind: "sessionRandom", salt: "s" }, value: 0.5 }))).toMatch(
      /salted/,
    );
    expect(problem(prosper(lt, { description: "d" }))).toMatch(/description/);
    expect(problem(prosper(lt, { runtimes: ["node"] }))).toMatch(/runtimes/);
    expect(problem(prosper({ kind: "eq", attribute: { kind: "hostname" }, value: 5 }))).toMatch(/across types/);
    expect(problem(prosper(lt))).toBe("ok");
  });

  test("refuses a PyOF document changed after it was read", () => {
    const document = load(interop, "test");
    expect(problem({ ...document, default: true })).toMatch(/no longer says/);
    expect(problem({ ...document, name: "other" })).toBe("ok");
  });

  test("writes floats as Python's repr", () => {
    for (const [value, repr] of [
      [3, "3.0"],
      [0.1, "0.1"],
      [1e-5, "1e-05"],
      [0.0001, "0.0001"],
      [1e16, "1e+16"],
      [123456789012345.6, "123456789012345.6"],
      [1.5e300, "1.5e+300"],
      [-0, "-0.0"],
      [-2.5e-7, "-2.5e-07"],
    ] as const)
      expect(pythonFloat(value)).toBe(repr);
  });
});

describe("fromPyof on garbage", () => {
  test("never throws, and says where", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const inputs: unknown[] = [
      undefined,
      null,
      42,
      "",
      "{",
      "[1,]",
      '{"a":1,"a":2}',
      "9007199254740993",
      "1e999",
      "[".repeat(100) + "]".repeat(100),
      cyclic,
      new Proxy(
        {},
        {
          ownKeys: () => {
            throw new Error("no");
          },
        },
      ),
      {
        type: "offline-feature",
        python_versions: ["all"],
        buckets: [{ name: 1, classifier: {}, value: null }],
        default: 0,
      },
      withClassifier({ __type: "comparison.lt", attribute: { __type: "static.number", value: "x" }, value: 1 }),
      withClassifier({ __type: "bool.all", value: {} }),
      withClassifier({ __type: "nope" }),
      withClassifier({ __type: "bool.all", value: [] }, { extra: 1 }),
    ];
    for (const input of inputs) {
      const read = fromPyof(input, { name: "f" });
      expect(read.ok).toBe(false);
      if (!read.ok) expect(read.problems.length).toBeGreaterThan(0);
    }
    expect(fromPyof(interop, undefined as never).ok).toBe(false);
    expect(fromPyof(interop, { name: "" }).ok).toBe(false);
    expect(toPyof(null).ok).toBe(false);
    expect(toPyof({ ...load(interop), pyof: { source: 1, floats: 2 } }).ok).toBe(false);
  });
});

// ---- a reference evaluator, written from PyOF's own code, and random documents ----------------

type PyofNode = { readonly [key: string]: JsonValue };
interface Env {
  readonly hostname: string;
  readonly random: number;
}

/**
 * Patterns, each with a JavaScript regex written here by hand for what Python's re means by it
 * (`.` is anything but \n, `$` is the end or before a final \n).
 */
const PATTERNS: readonly [string, RegExp][] = [
  ["^len.+", /^len[^\n]+/u],
  ["len", /len/u],
  ["o$", /o(?:\n?$)/u],
  ["^h[a-z]+-[0-9]$", /^h[a-z]+-[0-9](?:\n?$)/u],
  ["a.b", /a[^\n]b/u],
  ["^$", /^(?:\n?$)/u],
  ["(?P<x>le)n|ost", /(?<x>le)n|ost/u],
];

function attributeValue(attribute: PyofNode, env: Env): number | string {
  if (attribute.__type === "random.session") return env.random;
  if (attribute.__type === "socket.hostname") return env.hostname;
  return attribute.value as number;
}

function referenceMatches(node: PyofNode, env: Env): boolean {
  const value = node.value;
  switch (node.__type) {
    case "bool.all":
      return (value as PyofNode[]).every((inner) => referenceMatches(inner, env));
    case "bool.any":
      return (value as PyofNode[]).some((inner) => referenceMatches(inner, env));
    case "bool.none":
      if (Array.isArray(value)) return value.length === 0;
      if (typeof value === "object" && value !== null) return !referenceMatches(value as PyofNode, env);
      return !value; // "" 0 false
    case "re.match": {
      const actual = attributeValue(node.attribute as PyofNode, env);
      if (typeof value !== "string" || typeof actual !== "string") return false;
      return PATTERNS.find(([pattern]) => pattern === value)![1].test(actual);
    }
    default: {
      const actual = attributeValue(node.attribute as PyofNode, env);
      if (typeof value !== typeof actual) return false;
      if (node.__type === "comparison.eq") return actual === value;
      if (typeof actual !== "number") return false;
      const expected = value as number;
      return node.__type === "comparison.lt"
        ? actual < expected
        : node.__type === "comparison.lte"
          ? actual <= expected
          : node.__type === "comparison.gt"
            ? actual > expected
            : actual >= expected;
    }
  }
}

function reference(document: PyofNode, env: Env): { bucket: string; value: JsonValue } {
  for (const bucket of document.buckets as PyofNode[])
    if (referenceMatches(bucket.classifier as PyofNode, env))
      return { bucket: bucket.name as string, value: bucket.value! };
  return { bucket: "default", value: document.default! };
}

/** Numbers whose Python repr is what JSON.stringify writes: ints, and floats written in fixed notation. */
const number = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.constantFrom(0.1, 0.5, 0.9, 0.25, 3.5, -1.5, 0.0001),
  fc.double({ min: 0, max: 1, noNaN: true }).filter((x) => x === 0 || (x >= 1e-4 && !Number.isInteger(x))),
);
const hostnames = ["lenovo", "len", "lenovo\n", "host-1", "h-2", "", "a\nb", "a\rb", "LENOVO", "ĺenovo", "😀o"];
const scalar = fc.oneof(number, fc.constantFrom(...hostnames, "x"), fc.boolean());
const attribute = fc.oneof(
  fc.constant<JsonValue>({ __type: "random.session" }),
  fc.constant<JsonValue>({ __type: "socket.hostname" }),
  number.map((value): JsonValue => ({ __type: "static.number", value })),
);

const { classifier } = fc.letrec<{ classifier: JsonValue }>((tie) => ({
  classifier: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.record({
      __type: fc.constantFrom("comparison.lt", "comparison.lte", "comparison.gt", "comparison.gte", "comparison.eq"),
      attribute,
      value: scalar,
    }),
    fc.record({
      __type: fc.constant("re.match"),
      attribute,
      value: fc.oneof(fc.constantFrom(...PATTERNS.map(([pattern]) => pattern)), number, fc.boolean()),
    }),
    fc.record({
      __type: fc.constantFrom("bool.all", "bool.any"),
      value: fc.array(tie("classifier"), { maxLength: 3 }),
    }),
    fc.record({
      __type: fc.constant("bool.none"),
      value: fc.oneof(tie("classifier"), scalar, fc.array(tie("classifier"), { maxLength: 2 })),
    }),
  ),
}));

const pyofDocument = fc.record({
  type: fc.constant("offline-feature"),
  python_versions: fc.oneof(fc.constant(["all"]), fc.constant(["3.12"])),
  buckets: fc.array(
    fc.record({
      name: fc.constantFrom("", "a", "b", "holdout"),
      classifier,
      value: fc.oneof(fc.boolean(), fc.integer(), fc.constant(null), fc.string({ maxLength: 3 })),
    }),
    { maxLength: 4 },
  ),
  default: fc.oneof(fc.boolean(), fc.constant(null)),
}) as fc.Arbitrary<PyofNode>;

const env = fc.record({
  hostname: fc.constantFrom(...hostnames),
  random: fc.oneof(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.constantFrom(0, 0.1, 0.5, 0.9)),
});

test("random PyOF documents: prosper evaluates them as PyOF does, and writes them back as read", () => {
  fc.assert(
    fc.property(pyofDocument, fc.array(env, { minLength: 1, maxLength: 5 }), (source, envs) => {
      const text = JSON.stringify(source, null, 2);
      const document = load(text, "random");
      for (const { hostname, random } of envs) {
        const { bucket, value } = evaluate(document, hostname, random);
        expect({ bucket, value }).toEqual(reference(source, { hostname, random }));
      }
      expect(toPyof(document)).toEqual({ ok: true, text });
    }),
    { numRuns: 5000 },
  );
});
