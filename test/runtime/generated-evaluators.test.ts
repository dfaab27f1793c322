import fc from "fast-check";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  createFeatures,
  type Environment,
  type EvaluationContext,
  type FeatureEvaluation,
  type FeatureJson,
  type JsonValue,
} from "prosper-runtime";
import type { FeatureFactories, FeatureOptions, Features } from "prosper-runtime/features";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { featureCode } from "../../compiler/stages/emit/feature-code.js";
import conformance from "../conformance/features.json" with { type: "json" };
import { root, typeCheck } from "../support/type-check.js";

/**
 * The generated evaluators (compiler/stages/emit/feature-code.ts, run by prosper-runtime/features)
 * against the document evaluator (createFeatures of prosper-runtime): the conformance cases, and
 * random documents and contexts, must give the same value, bucket, reason and message on both.
 * The code is written to files and imported, as an application imports the generated module.
 */

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

const workDir = join(root, "test/.generated-evaluators-work");
let written = 0;

/** One module holding the factories of each group of documents: `tables[i]` for `groups[i]`. */
function moduleSource(groups: readonly (readonly unknown[])[]): string {
  const codes = groups.map((documents) => featureCode(documents));
  const helpers = [...new Set(codes.flatMap((code) => code.helpers))];
  return [
    `import { generatedFeatures, ${helpers.join(", ")}, type FeatureFactories, type FeatureOptions } from "prosper-runtime/features";`,
    // Each table typed on its own, as the generated module types its one.
    ...codes.map((code, index) => `const table${index}: FeatureFactories = ${code.table};`),
    `export const tables: FeatureFactories[] = [${codes.map((_, index) => `table${index}`).join(", ")}];`,
    `export const create = (index: number, options?: FeatureOptions) => generatedFeatures(tables[index]!, options);`,
    ``,
  ].join("\n");
}

interface GeneratedModule {
  readonly tables: FeatureFactories[];
  readonly create: (index: number, options?: FeatureOptions) => Features<never>;
}

async function importGenerated(
  groups: readonly (readonly unknown[])[],
): Promise<{ module: GeneratedModule; file: string }> {
  const file = join(workDir, `module-${written++}.ts`);
  await writeFile(file, moduleSource(groups));
  return { module: (await import(/* @vite-ignore */ file)) as GeneratedModule, file };
}

beforeAll(async () => {
  await rm(workDir, { recursive: true, force: true });
  await mkdir(workDir, { recursive: true });
});
afterAll(async () => {
  if (!process.env["KEEP_GENERATED"]) await rm(workDir, { recursive: true, force: true });
});

const quiet = { onError: () => {} };
const parts = (result: FeatureEvaluation<unknown>) => ({
  value: result.value,
  bucket: result.bucket,
  reason: result.reason,
  message: result.message,
});

describe("conformance (test/conformance/features.json) through generated evaluators", () => {
  let generated: GeneratedModule;
  let file: string;
  beforeAll(async () => {
    ({ module: generated, file } = await importGenerated(cases.map(([, document]) => [structuredClone(document)])));
  });

  test("the module type-checks strictly, unused names included", () => {
    expect(typeCheck([file], {}, { noUnusedLocals: true, noUnusedParameters: true })).toEqual([]);
  });

  test.each(cases.map(([name, ...rest], index) => [name, index, ...rest] as const))(
    "%s",
    (_name, index, document, context, environment, expected) => {
      const result = generated
        .create(index, { ...environment, ...quiet })
        .evaluate(document.name as never, context as never);
      expect({ value: result.value, bucket: result.bucket, reason: result.reason }).toEqual({
        value: expected.value,
        bucket: expected.bucket,
        reason: expected.reason,
      });
      if (expected.messageIncludes !== undefined) expect(result.message).toContain(expected.messageIncludes);
      else if (expected.reason === "ERROR" || expected.reason === "DISABLED") expect(result.message).toMatch(/\S/);
      else expect(result.message).toBeUndefined();
      // And exactly what the document evaluator gives, message included.
      const json = createFeatures([structuredClone(document)], { ...environment, ...quiet }).evaluate(
        document.name,
        context,
      );
      expect(parts(result)).toEqual(parts(json));
      expect(Object.isFrozen(result)).toBe(true);
    },
  );
});

// ---- random documents and contexts: both paths agree --------------------------------------------

/** Text that would break out of a string, a comment, a template or a regex literal if pasted as is. */
const HOSTILE = [
  `"; globalThis.pwned = 1; "`,
  `'); globalThis.pwned = 1; //`,
  "`${globalThis.pwned = 1}`",
  "*/ globalThis.pwned = 1; /*",
  "</script><script>",
  "\u2028\u2029",
  "\\",
  "\\u0022",
  "\ud800",
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "t",
  "m",
  "k",
  "d",
];
const hostile = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({ maxLength: 5 }),
  fc.constantFrom("NL", "BE", "len-1"),
);
const finite = fc.oneof(
  fc.constantFrom(0, -0, 0.1, 0.5, 1, 18, -1, 1e21, 5e-324),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const scalar = fc.oneof(hostile, finite, fc.boolean());
const { json } = fc.letrec((tie) => ({
  json: fc.oneof(
    { maxDepth: 2 },
    { weight: 4, arbitrary: scalar },
    fc.constant(null),
    fc.array(tie("json"), { maxLength: 3 }),
    fc.dictionary(hostile, tie("json"), { maxKeys: 3 }),
  ),
}));
const contextKey = fc.oneof(fc.constantFrom("country", "age", "staff", "unitId"), fc.constantFrom(...HOSTILE));
const attribute = fc.oneof(
  fc.record(
    { kind: fc.constant("sessionRandom"), salt: fc.option(hostile, { nil: undefined }) },
    { requiredKeys: ["kind"] },
  ),
  fc.constant({ kind: "hostname" }),
  fc.constant({ kind: "runtimeVersion" }),
  fc.record({ kind: fc.constant("static"), value: scalar }),
  fc.record({ kind: fc.constant("context"), key: contextKey, type: fc.constantFrom("string", "number", "boolean") }),
  fc.record({ kind: fc.constant("context"), key: contextKey, type: fc.constantFrom("string", "number", "boolean") }),
);
const PATTERNS = [
  "^len.+",
  "",
  "[0-9]+",
  "x|y",
  "é",
  "\\d\\.",
  `["'\`]`,
  "\\/\\*",
  "\u2028",
  "(?:a)b$",
  "^\\u0041",
  "\\p{L}",
];
const { classifier } = fc.letrec((tie) => ({
  classifier: fc.oneof(
    { maxDepth: 4, depthSize: "small" },
    fc.record({ kind: fc.constantFrom("lt", "lte", "gt", "gte"), attribute, value: finite }),
    fc.record({ kind: fc.constantFrom("eq", "ne"), attribute, value: scalar }),
    fc.record({ kind: fc.constant("oneOf"), attribute, values: fc.array(scalar, { maxLength: 10 }) }),
    fc.record(
      {
        kind: fc.constant("regexMatch"),
        attribute,
        pattern: fc.constantFrom(...PATTERNS),
        flags: fc.constantFrom("", "i", "u", "su", "imsu"),
      },
      { requiredKeys: ["kind", "attribute", "pattern"] },
    ),
    fc.record({ kind: fc.constantFrom("all", "any"), of: fc.array(tie("classifier"), { maxLength: 4 }) }),
    fc.record({ kind: fc.constant("not"), of: tie("classifier") }),
  ),
}));
const featureDocument = fc.record(
  {
    formatVersion: fc.constant(1),
    kind: fc.constant("feature"),
    name: fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ minLength: 1, maxLength: 4 })),
    runtimes: fc.uniqueArray(fc.constantFrom("node", "browser", "deno", "bun"), { maxLength: 3 }),
    buckets: fc.array(fc.record({ name: hostile, classifier, value: json }), { maxLength: 4 }),
    default: json,
  },
  { requiredKeys: ["formatVersion", "kind", "name", "buckets", "default"] },
);
/** Mostly valid documents; some broken the ways the document evaluator serves as ERROR. */
const document = fc.oneof(
  { weight: 12, arbitrary: featureDocument },
  featureDocument.map((valid) => ({
    ...valid,
    buckets: [
      { name: "b", classifier: { kind: "regexMatch", attribute: { kind: "hostname" }, pattern: "(" }, value: 1 },
    ],
  })),
  featureDocument.map((valid) => ({ ...valid, formatVersion: 2 })),
  featureDocument.map((valid) => ({
    ...valid,
    buckets: [{ name: "b", classifier: { kind: "startsWith" }, value: 1 }],
  })),
);
const contextValue = fc.oneof(scalar, fc.constant(undefined), fc.constant(null), fc.constant(Number.NaN));
const context = fc.oneof(
  { weight: 10, arbitrary: fc.dictionary(contextKey, contextValue, { maxKeys: 4 }) },
  fc.record({ unitId: fc.oneof(hostile, fc.constant("x".repeat(4097)), fc.integer()), country: contextValue }),
  fc.constantFrom(undefined, null, 42, "NL", [], true),
);
const environment = fc.record({
  hostname: fc.oneof(hostile, fc.constantFrom("len-1", "lenx", "web-1")),
  runtimeVersion: fc.constantFrom("20.19.0", "1.2.3", "\\d."),
  runtime: fc.constantFrom("node", "browser", "deno", "bun"),
  sessionRandom: fc.constantFrom(0, 0.05, 0.1, 0.15, 0.5, 0.999),
});

describe("random documents and contexts (fast-check): both paths give the same evaluation", () => {
  // Seeded, so that a failure repeats; GENERATED_EVALUATORS_SEED and _RUNS search further.
  const seed = Number(process.env["GENERATED_EVALUATORS_SEED"] ?? 11);
  const documents = fc.sample(document, { seed, numRuns: Number(process.env["GENERATED_EVALUATORS_RUNS"] ?? 400) });
  const trials = fc.sample(fc.tuple(fc.array(context, { minLength: 8, maxLength: 8 }), environment), {
    seed: seed + 1,
    numRuns: documents.length,
  });
  let generated: GeneratedModule;
  let file: string;
  beforeAll(async () => {
    ({ module: generated, file } = await importGenerated(documents.map((one) => [one])));
  });

  test("no document string escapes its literal: the module defines nothing global", () => {
    expect((globalThis as { pwned?: unknown }).pwned).toBeUndefined();
    expect(generated.tables.length).toBe(documents.length);
  });

  test("the module type-checks strictly", () => {
    expect(typeCheck([file], {}, { noUnusedLocals: true, noUnusedParameters: true })).toEqual([]);
  });

  test("value, bucket, reason and message are equal on both paths, and what goes to onError", () => {
    let compared = 0;
    const seen = new Set<string>();
    documents.forEach((one, index) => {
      const [contexts, env] = trials[index]!;
      const generatedReports: string[] = [];
      const jsonReports: string[] = [];
      const fromCode = generated.create(index, { ...env, onError: (_, where) => generatedReports.push(where) });
      const fromJson = createFeatures([structuredClone(one)], {
        ...env,
        onError: (_, where) => jsonReports.push(where),
      });
      const name = (one as { name: string }).name;
      for (const each of contexts) {
        const expected = parts(fromJson.evaluate(name, each as never));
        const actual = fromCode.evaluate(name as never, each as never);
        expect(parts(actual), JSON.stringify({ document: one, context: each, env })).toEqual(expected);
        expect(
          Object.isFrozen(actual) &&
            (typeof actual.value !== "object" || actual.value === null || Object.isFrozen(actual.value)),
        ).toBe(true);
        seen.add(expected.reason);
        compared++;
      }
      // The feature taken by name answers the same, on both paths, and reports the same.
      const taken = fromCode.feature(name as never);
      const takenJson = fromJson.feature(name);
      expect([Object.isFrozen(taken), Object.isFrozen(takenJson)]).toEqual([true, true]);
      for (const each of contexts) {
        expect(parts(taken.evaluate(each as never))).toEqual(parts(takenJson.evaluate(each as never)));
        expect(taken.get(each as never)).toEqual(fromJson.get(name, each as never));
      }
      // Evaluations that failed are reported from both, with the same words.
      expect(generatedReports.filter((where) => where.startsWith("evaluate"))).toEqual(
        jsonReports.filter((where) => where.startsWith("evaluate")),
      );
      expect(fromCode.evaluate("no such feature" as never)).toEqual(fromJson.evaluate("no such feature"));
      expect(fromCode.feature("no such feature" as never).evaluate()).toEqual(
        fromJson.feature("no such feature").evaluate(),
      );
    });
    expect(compared).toBe(documents.length * 8);
    // The sample reaches every reason.
    expect([...seen].sort()).toEqual(["DEFAULT", "DISABLED", "ERROR", "SPLIT", "TARGETING_MATCH"]);
  });
});

describe("the generated module", () => {
  const holdout: FeatureJson = {
    formatVersion: 1,
    kind: "feature",
    name: "holdout",
    buckets: [
      {
        name: "holdout",
        classifier: {
          kind: "all",
          of: [
            { kind: "lt", attribute: { kind: "sessionRandom" }, value: 0.1 },
            { kind: "regexMatch", attribute: { kind: "hostname" }, pattern: "^len.+" },
          ],
        },
        value: true,
      },
    ],
    default: false,
  };

  test("holds no eval and no Function constructor, only literals and new RegExp", () => {
    const { table } = featureCode([holdout, ...cases.map(([, document]) => document)]);
    expect(table).not.toMatch(/\beval\b|\bFunction\s*\(|import\s*\(/);
    expect(table).toContain(`new RegExp("^len.+", "")`);
  });

  test("options are read as the document path reads them, and bad ones reported alike", async () => {
    const { module } = await importGenerated([[holdout]]);
    const options = { hostname: 42, sessionRandom: 2, runtime: "python", onError: null } as never;
    const reported = (create: (onError: (error: unknown, where: string) => void) => unknown) => {
      const seen: string[] = [];
      create((error, where) => seen.push(`${where}: ${(error as Error).message}`));
      return seen;
    };
    expect(reported((onError) => module.create(0, { ...(options as object), onError }))).toEqual(
      reported((onError) => createFeatures([holdout], { ...(options as object), onError })),
    );
    for (const garbage of [
      null,
      42,
      "x",
      {
        get onError() {
          throw new Error("no");
        },
      },
    ]) {
      const quietly = (run: () => unknown) => {
        const warn = console.warn;
        console.warn = () => {};
        try {
          return run();
        } finally {
          console.warn = warn;
        }
      };
      const fromCode = quietly(() =>
        parts(module.create(0, garbage as never).evaluate("holdout" as never, { unitId: "u" } as never)),
      );
      const fromJson = quietly(() =>
        parts(createFeatures([holdout], garbage as never).evaluate("holdout", { unitId: "u" })),
      );
      expect(fromCode).toEqual(fromJson);
    }
  });

  test("a feature whose pattern this engine cannot compile serves its default with ERROR, reported once", async () => {
    // A table as the compiler would write it on an engine that knew the syntax: the factory throws here.
    const { module } = await importGenerated([[holdout]]);
    const table = module.tables[0]!;
    const broken = {
      holdout: (kit: never, defaultOf: (value: JsonValue) => FeatureEvaluation) => {
        defaultOf(false);
        return new RegExp("(?<=", "") as never;
      },
    };
    const reported: string[] = [];
    const { generatedFeatures } = await import("prosper-runtime/features");
    const features = generatedFeatures(broken as never, { onError: (_, where) => reported.push(where) });
    for (let i = 0; i < 3; i++)
      expect(features.evaluate("holdout" as never)).toMatchObject({ value: false, bucket: "default", reason: "ERROR" });
    expect(reported).toEqual([`evaluate("holdout")`]);
    expect(Object.keys(table)).toEqual(["holdout"]);
  });

  test("each feature is built on its first evaluation, once per client", async () => {
    const { module } = await importGenerated([[holdout]]);
    let builds = 0;
    const counted = Object.fromEntries(
      Object.entries(module.tables[0]!).map(([name, factory]) => [
        name,
        (...args: Parameters<typeof factory>) => (builds++, factory(...args)),
      ]),
    );
    const { generatedFeatures } = await import("prosper-runtime/features");
    const features = generatedFeatures(counted, { hostname: "len-1", sessionRandom: 0.05 });
    expect(builds).toBe(0);
    expect(features.evaluate("holdout" as never)).toEqual({ value: true, bucket: "holdout", reason: "SPLIT" });
    features.get("holdout" as never, { unitId: "user-1" } as never);
    expect(builds).toBe(1);
  });

  test("names Object.prototype knows are unknown features unless the module defines them, and never throw", async () => {
    const { module } = await importGenerated([[holdout]]);
    const reported: string[] = [];
    const { generatedFeatures } = await import("prosper-runtime/features");
    const features = generatedFeatures(module.tables[0]!, { onError: (_, where) => reported.push(where) });
    for (const name of [
      "__proto__",
      "constructor",
      "toString",
      "hasOwnProperty",
      "valueOf",
      "",
      7,
      null,
      Symbol("x"),
    ]) {
      expect(features.get(name as never, {} as never)).toBeUndefined();
      expect(features.evaluate(name as never, {} as never)).toMatchObject({ value: undefined, reason: "ERROR" });
      expect(features.evaluate(name as never).message).toMatch(/^unknown feature /);
    }
    // An unknown name is the caller's mistake, answered with ERROR, not reported as a failure to evaluate.
    expect(reported).toEqual([]);

    // Features named like Object.prototype's members are features like any other.
    const served = (value: JsonValue) => (_kit: unknown, defaultOf: (value: JsonValue) => FeatureEvaluation) => {
      defaultOf(value);
      return () => ({ value, bucket: "b", reason: "TARGETING_MATCH" }) as FeatureEvaluation;
    };
    const own = generatedFeatures({ ["__proto__"]: served(1), toString: served(2), constructor: served(3) } as never);
    expect([own.get("__proto__" as never), own.get("toString" as never), own.get("constructor" as never)]).toEqual([
      1, 2, 3,
    ]);
    expect(own.evaluate("hasOwnProperty" as never).reason).toBe("ERROR");
  });

  test("a context or unitId it cannot use gives the default with ERROR, reported, on every call", async () => {
    const { module } = await importGenerated([[holdout]]);
    const reported: string[] = [];
    const features = module.create(0, {
      hostname: "len-1",
      sessionRandom: 0.05,
      onError: (_, where) => reported.push(where),
    });
    const unreadable = {
      get unitId(): string {
        throw new Error("no unit id here");
      },
    };
    for (const context of [42, "user", () => {}, { unitId: 7 }, { unitId: "x".repeat(5000) }, unreadable])
      for (let i = 0; i < 2; i++) {
        expect(features.get("holdout" as never, context as never)).toBe(false);
        expect(features.evaluate("holdout" as never, context as never)).toMatchObject({
          bucket: "default",
          reason: "ERROR",
        });
      }
    expect(reported).toHaveLength(24);
    expect(new Set(reported)).toEqual(new Set([`evaluate("holdout")`]));
    // Then a good context is served as ever: the failures were not kept.
    expect(features.get("holdout" as never, null as never)).toBe(true);
    expect(features.evaluate("holdout" as never, { unitId: "" } as never).reason).not.toBe("ERROR");
  });
});
