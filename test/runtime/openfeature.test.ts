import { OpenFeature, type EvaluationContext, type JsonValue as OpenFeatureJson } from "@openfeature/server-sdk";
import type { Environment, ExperimentJson, FeatureJson, JsonValue } from "prosper-runtime";
import { ProsperProvider, type ProsperProviderOptions } from "prosper-runtime/openfeature";
import { afterEach, describe, expect, test } from "vitest";

// A fixed environment, so that nothing depends on the machine the tests run on.
const env: Environment = { hostname: "web-1", sessionRandom: 0.5, runtime: "node", runtimeVersion: "20.19.0" };
// Broken documents are reported to onError; these tests look at the results.
const quiet = { onError: () => {} };

const feature = (name: string, buckets: FeatureJson["buckets"], fallback: JsonValue): FeatureJson => ({
  formatVersion: 1,
  kind: "feature",
  name,
  buckets,
  default: fallback,
});

const features: readonly unknown[] = [
  feature(
    "new-checkout",
    [
      {
        name: "staff",
        classifier: { kind: "eq", attribute: { kind: "context", key: "staff", type: "boolean" }, value: true },
        value: true,
      },
      {
        name: "rollout",
        classifier: { kind: "lt", attribute: { kind: "sessionRandom", salt: "rollout" }, value: 0.5 },
        value: true,
      },
    ],
    false,
  ),
  feature(
    "page-size",
    [
      {
        name: "mobile",
        classifier: {
          kind: "oneOf",
          attribute: { kind: "context", key: "platform", type: "string" },
          values: ["ios", "android"],
        },
        value: 10,
      },
    ],
    20,
  ),
  feature(
    "banner",
    [
      {
        name: "dutch",
        classifier: { kind: "eq", attribute: { kind: "context", key: "country", type: "string" }, value: "NL" },
        value: "Hallo",
      },
    ],
    "Hello",
  ),
  feature(
    "theme",
    [
      {
        name: "dark",
        classifier: { kind: "gte", attribute: { kind: "context", key: "hour", type: "number" }, value: 20 },
        value: { mode: "dark", contrast: 1.5 },
      },
    ],
    { mode: "light", contrast: 1 },
  ),
  feature("tags", [], ["a", "b"]),
  feature("nothing", [], null),
  { ...feature("node-only", [], true), runtimes: ["deno"] },
  // Fails the reader (an unknown classifier kind), but has a name and a valid default.
  feature("broken", [{ name: "b", classifier: { kind: "nope" } as never, value: true }], false),
];

const experiment = (name: string, variants: ExperimentJson["variants"]): ExperimentJson => ({
  formatVersion: 1,
  kind: "experiment",
  name,
  salt: name,
  algorithm: { kind: "random" },
  variants,
});

const experiments: readonly unknown[] = [
  experiment("checkout-cta", [
    { name: "control", symbols: { ctaLabel: "Checkout", freeShippingFrom: 50, ctaStyle: { color: "blue" } } },
    { name: "urgent", symbols: { ctaLabel: "Buy now", freeShippingFrom: 50, ctaStyle: { color: "red" } } },
    { name: "generous", symbols: { ctaLabel: "Checkout", freeShippingFrom: 35, ctaStyle: { color: "green" } } },
  ]),
  experiment("dark-launch", [
    { name: "off", symbols: { darkLaunch: false } },
    { name: "on", symbols: { darkLaunch: true } },
  ]),
  // Fails the reader (an unknown algorithm), but has a name and variants: prosper serves the control.
  {
    ...experiment("broken-experiment", [{ name: "control", symbols: { brokenSymbol: "x" } }]),
    algorithm: { kind: "?" },
  },
];

const client = () => OpenFeature.getClient();

async function start(options: ProsperProviderOptions = {}) {
  const provider = new ProsperProvider({
    features,
    experiments,
    featureOptions: { ...env, ...quiet },
    experimentOptions: quiet,
    ...options,
  });
  await OpenFeature.setProviderAndWait(provider);
  return provider;
}

afterEach(async () => {
  await OpenFeature.clearProviders();
});

describe("features", () => {
  test("boolean: TARGETING_MATCH with the bucket as variant, from context attributes", async () => {
    await start();
    const details = await client().getBooleanDetails("new-checkout", false, { staff: true });
    expect(details).toMatchObject({ value: true, reason: "TARGETING_MATCH", variant: "staff" });
    expect(details.errorCode).toBeUndefined();
  });

  test("boolean: SPLIT from the targetingKey as unitId, deterministic per key", async () => {
    await start();
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        client().getBooleanDetails("new-checkout", false, { targetingKey: `user-${i}` }),
      ),
    );
    const split = results.filter((details) => details.reason === "SPLIT");
    const byDefault = results.filter((details) => details.reason === "DEFAULT");
    expect(split.length).toBeGreaterThan(0);
    expect(byDefault.length).toBeGreaterThan(0);
    expect(split.every((details) => details.value === true && details.variant === "rollout")).toBe(true);
    expect(byDefault.every((details) => details.value === false && details.variant === "default")).toBe(true);
    const again = await client().getBooleanDetails("new-checkout", false, { targetingKey: "user-0" });
    expect(again.value).toBe(results[0]!.value);
  });

  test("number: a match and the DEFAULT", async () => {
    await start();
    expect(await client().getNumberDetails("page-size", 0, { platform: "ios" })).toMatchObject({
      value: 10,
      reason: "TARGETING_MATCH",
      variant: "mobile",
    });
    expect(await client().getNumberDetails("page-size", 0)).toMatchObject({
      value: 20,
      reason: "DEFAULT",
      variant: "default",
    });
  });

  test("string", async () => {
    await start();
    expect(await client().getStringValue("banner", "?", { country: "NL" })).toBe("Hallo");
    expect(await client().getStringDetails("banner", "?", { country: "BE" })).toMatchObject({
      value: "Hello",
      reason: "DEFAULT",
    });
  });

  test("object: JSON objects and arrays", async () => {
    await start();
    expect(await client().getObjectDetails("theme", {}, { hour: 21 })).toMatchObject({
      value: { mode: "dark", contrast: 1.5 },
      reason: "TARGETING_MATCH",
      variant: "dark",
    });
    expect(await client().getObjectValue("tags", [])).toEqual(["a", "b"]);
  });

  test("attributes other than strings, numbers and booleans are left out", async () => {
    await start();
    const context: EvaluationContext = { country: ["NL"], platform: { os: "ios" }, when: new Date(0), staff: true };
    expect(await client().getBooleanDetails("new-checkout", false, context)).toMatchObject({
      value: true,
      reason: "TARGETING_MATCH",
    });
    expect(await client().getStringDetails("banner", "?", context)).toMatchObject({
      value: "Hello",
      reason: "DEFAULT",
    });
  });

  test("a feature that does not run here is DISABLED, with its default", async () => {
    await start();
    expect(await client().getBooleanDetails("node-only", false)).toMatchObject({
      value: true,
      reason: "DISABLED",
      variant: "default",
    });
  });
});

describe("experiment symbols", () => {
  test("an enabled experiment SPLITs, with the assigned variant, sticky per targetingKey", async () => {
    const provider = await start();
    expect(await provider.experiments.enable("checkout-cta")).toBe(true);
    const seen = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const targetingKey = `user-${i}`;
      const label = await client().getStringDetails("ctaLabel", "?", { targetingKey });
      expect(label.reason).toBe("SPLIT");
      expect(label.errorCode).toBeUndefined();
      seen.add(label.variant!);
      // The same key, the same variant: for every symbol, every time, and as prosper assigned it.
      for (let repeat = 0; repeat < 3; repeat++)
        expect((await client().getStringDetails("ctaLabel", "?", { targetingKey })).variant).toBe(label.variant);
      const assignment = await provider.experiments.assign("checkout-cta", targetingKey);
      expect(assignment.variant).toBe(label.variant);
      const expected = {
        control: { ctaLabel: "Checkout", freeShippingFrom: 50, ctaStyle: { color: "blue" } },
        urgent: { ctaLabel: "Buy now", freeShippingFrom: 50, ctaStyle: { color: "red" } },
        generous: { ctaLabel: "Checkout", freeShippingFrom: 35, ctaStyle: { color: "green" } },
      }[label.variant as "control" | "urgent" | "generous"];
      expect(label.value).toBe(expected.ctaLabel);
      expect(await client().getNumberDetails("freeShippingFrom", 0, { targetingKey })).toMatchObject({
        value: expected.freeShippingFrom,
        reason: "SPLIT",
        variant: label.variant,
      });
      expect(await client().getObjectValue("ctaStyle", {}, { targetingKey })).toEqual(expected.ctaStyle);
    }
    expect(seen.size).toBeGreaterThan(1);
  });

  test("booleans, and complete ends the assignment as in prosper", async () => {
    const provider = await start();
    await provider.experiments.enable("dark-launch");
    const first = await client().getBooleanDetails("darkLaunch", false, { targetingKey: "u" });
    expect(first.reason).toBe("SPLIT");
    expect(first.value).toBe(first.variant === "on");
    expect(await provider.experiments.complete("dark-launch", "u", 1)).toMatchObject({
      rewarded: true,
      variant: first.variant,
    });
  });

  test("a disabled experiment is DISABLED, serving the control", async () => {
    await start();
    expect(await client().getStringDetails("ctaLabel", "?", { targetingKey: "user-1" })).toMatchObject({
      value: "Checkout",
      reason: "DISABLED",
      variant: "control",
    });
  });

  test("the store, given, is shared with the application's own client", async () => {
    const { memoryStore, createExperiments } = await import("prosper-runtime");
    const store = memoryStore();
    const own = createExperiments(experiments, { store, ...quiet });
    await own.enable("dark-launch");
    await start({ experimentOptions: { store, ...quiet } });
    const details = await client().getBooleanDetails("darkLaunch", false, { targetingKey: "shared" });
    expect(details.reason).toBe("SPLIT");
    expect(details.variant).toBe((await own.assign("dark-launch", "shared")).variant);
  });
});

describe("errors: the caller's default, reason ERROR and OpenFeature's code", () => {
  test("FLAG_NOT_FOUND for an unknown key", async () => {
    await start();
    expect(await client().getBooleanDetails("no-such-flag", true)).toMatchObject({
      value: true,
      reason: "ERROR",
      errorCode: "FLAG_NOT_FOUND",
    });
  });

  test.each<[string, "boolean" | "string" | "number" | "object", unknown]>([
    ["new-checkout", "string", "x"],
    ["new-checkout", "number", 7],
    ["new-checkout", "object", {}],
    ["page-size", "boolean", false],
    ["banner", "number", 7],
    ["theme", "string", "x"],
    ["tags", "boolean", false],
    ["nothing", "object", {}],
    ["ctaLabel", "number", 7],
    ["ctaStyle", "string", "x"],
    ["darkLaunch", "object", []],
  ])("TYPE_MISMATCH: %s as %s", async (key, type, fallback) => {
    await start();
    const context = { targetingKey: "user-1" };
    const details = await {
      boolean: () => client().getBooleanDetails(key, fallback as boolean, context),
      string: () => client().getStringDetails(key, fallback as string, context),
      number: () => client().getNumberDetails(key, fallback as number, context),
      object: () => client().getObjectDetails(key, fallback as OpenFeatureJson, context),
    }[type]();
    expect(details).toMatchObject({ value: fallback, reason: "ERROR", errorCode: "TYPE_MISMATCH" });
    expect(details.errorMessage).toContain(`asked for ${type}`);
  });

  test("PARSE_ERROR for a feature whose document fails the reader, naming the problem", async () => {
    await start();
    const details = await client().getBooleanDetails("broken", true);
    expect(details).toMatchObject({ value: true, reason: "ERROR", errorCode: "PARSE_ERROR" });
    expect(details.errorMessage).toMatch(/"broken".*classifier/);
  });

  test("PARSE_ERROR for an experiment whose document fails the reader", async () => {
    await start();
    const details = await client().getStringDetails("brokenSymbol", "fallback", { targetingKey: "u" });
    expect(details).toMatchObject({ value: "fallback", reason: "ERROR", errorCode: "PARSE_ERROR" });
    expect(details.errorMessage).toMatch(/"broken-experiment".*algorithm/);
  });

  test("TARGETING_KEY_MISSING for an experiment symbol without a targetingKey", async () => {
    const provider = await start();
    await provider.experiments.enable("checkout-cta");
    for (const context of [undefined, {}, { targetingKey: "" }])
      expect(await client().getStringDetails("ctaLabel", "fallback", context)).toMatchObject({
        value: "fallback",
        reason: "ERROR",
        errorCode: "TARGETING_KEY_MISSING",
      });
    // Features do not need one.
    expect((await client().getNumberDetails("page-size", 0)).errorCode).toBeUndefined();
  });

  test("INVALID_CONTEXT for a targetingKey prosper cannot use as a unit id", async () => {
    await start();
    const details = await client().getStringDetails("ctaLabel", "fallback", { targetingKey: "x".repeat(5000) });
    expect(details).toMatchObject({ value: "fallback", reason: "ERROR", errorCode: "INVALID_CONTEXT" });
  });

  test("GENERAL when the store fails: the default, not prosper's fallback assignment", async () => {
    const { memoryStore } = await import("prosper-runtime");
    const failing = {
      ...memoryStore(),
      readUnit: async () => {
        throw new Error("store down");
      },
    };
    await start({ experimentOptions: { store: failing, ...quiet } });
    const details = await client().getStringDetails("ctaLabel", "fallback", { targetingKey: "u" });
    expect(details).toMatchObject({ value: "fallback", reason: "ERROR", errorCode: "GENERAL" });
    expect(details.errorMessage).toContain("store down");
  });

  test("resolve methods do not throw, whatever they are given", async () => {
    const provider = new ProsperProvider({
      features,
      experiments,
      featureOptions: { ...env, ...quiet },
      experimentOptions: quiet,
    });
    const hostile = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error("hostile");
        },
        get: () => {
          throw new Error("hostile");
        },
      },
    ) as EvaluationContext;
    const details = await provider.resolveBooleanEvaluation("new-checkout", false, hostile);
    expect(details).toMatchObject({ value: false, reason: "ERROR", errorCode: "GENERAL" });
    expect(details.errorMessage).toContain("hostile");
  });

  test("no documents at all: every key is FLAG_NOT_FOUND", async () => {
    await OpenFeature.setProviderAndWait(new ProsperProvider());
    expect((await client().getBooleanDetails("new-checkout", false)).errorCode).toBe("FLAG_NOT_FOUND");
  });
});

test("the shipped generated documents resolve through the provider", async () => {
  const { features: shippedFeatures, experiments: shippedExperiments } = await shipped();
  const provider = new ProsperProvider({
    features: shippedFeatures,
    experiments: shippedExperiments,
    featureOptions: { ...env, ...quiet },
  });
  await OpenFeature.setProviderAndWait(provider);
  expect(await client().getBooleanDetails("new-checkout", false, { staff: true })).toMatchObject({
    value: true,
    variant: "staff",
  });
  expect(await client().getNumberValue("search-page-size", 0, { platform: "android" })).toBe(10);
  await provider.experiments.enable("greeting_experiment");
  const greeting = await client().getStringDetails("greeting", "?", { targetingKey: "user-123" });
  expect(greeting.reason).toBe("SPLIT");
  expect(["control", "friendly", "casual"]).toContain(greeting.variant);
});

/** The documents of the shipped definitions, as `prosper compile` wrote them. */
async function shipped() {
  const { readdir, readFile } = await import("node:fs/promises");
  const read = async (folder: string) => {
    const url = new URL(`../../generated/${folder}/`, import.meta.url);
    const files = (await readdir(url)).filter((file) => file.endsWith(".json")).sort();
    return Promise.all(files.map(async (file) => JSON.parse(await readFile(new URL(file, url), "utf8")) as unknown));
  };
  return { features: await read("features"), experiments: await read("experiments") };
}
