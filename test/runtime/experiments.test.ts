import { createExperiments, memoryStore, type ExperimentStore } from "prosper-runtime";
import { afterEach, describe, expect, test, vi } from "vitest";
import checkoutCta from "../../generated/experiments/checkout-cta.json" with { type: "json" };
import greeting from "../../generated/experiments/greeting_experiment.json" with { type: "json" };
import { createExperiments as createGeneratedExperiments } from "../../generated/index.js";
import conformance from "../conformance/assignment.json" with { type: "json" };

const GREETING = "greeting_experiment";
const CTA = "checkout-cta";
const documents = [greeting, checkoutCta];

const methods = [
  "isEnabled",
  "enable",
  "disable",
  "getAssignment",
  "assignIfAbsent",
  "takeAssignment",
  "getArms",
  "reward",
] as const satisfies readonly (keyof ExperimentStore)[];
type Method = (typeof methods)[number];

/** A store that records every call and fails the methods it is told to: by throwing, or by rejecting. */
function faultyStore(failing: Partial<Record<Method, "throw" | "reject">> = {}, base: ExperimentStore = memoryStore()) {
  const calls: Method[] = [];
  const errors = new Map<Method, Error>();
  const store = {} as Record<Method, (...args: unknown[]) => unknown>;
  for (const method of methods) {
    store[method] = (...args) => {
      calls.push(method);
      const mode = failing[method];
      if (mode) {
        const error = new Error(`${method} is down`);
        errors.set(method, error);
        if (mode === "throw") throw error;
        return Promise.reject(error);
      }
      return (base[method] as (...args: unknown[]) => unknown)(...args);
    };
  }
  return { store: store as unknown as ExperimentStore, base, calls, errors };
}

function setup(failing: Partial<Record<Method, "throw" | "reject">> = {}) {
  const faulty = faultyStore(failing);
  const reported: { error: unknown; operation: string }[] = [];
  const experiments = createExperiments(documents, {
    store: faulty.store,
    onError: (error, operation) => reported.push({ error, operation }),
  });
  return { experiments, reported, ...faulty };
}

/** The variant names of an experiment document, in order. */
const variantNames = (document: { variants: readonly { name: string }[] }) =>
  document.variants.map((variant) => variant.name);

const WRITES: Method[] = ["enable", "disable", "assignIfAbsent", "takeAssignment", "reward"];

afterEach(() => {
  vi.restoreAllMocks();
});

describe("a disabled experiment", () => {
  test("serves the control with reason DISABLED and stores nothing", async () => {
    const { experiments, calls, base, reported } = setup();
    expect(await experiments.isEnabled(GREETING)).toBe(false);
    expect(await experiments.assign(GREETING, "user-2")).toEqual({
      experiment: GREETING,
      variant: "control",
      index: 0,
      reason: "DISABLED",
    });
    expect(await experiments.pick("user-2", "greeting")).toBe("Hello!");
    const picks = await experiments.forUnit("user-2");
    expect(picks.pick("greeting")).toBe("Hello!");
    expect(picks.pick("ctaLabel")).toBe("Checkout");
    expect(picks.pick("freeShippingFrom")).toBe(50);
    expect(picks.assignment(CTA)).toMatchObject({ variant: "control", index: 0, reason: "DISABLED" });
    expect(calls.filter((method) => WRITES.includes(method))).toEqual([]);
    expect(await base.getAssignment(GREETING, "user-2")).toBeUndefined();
    expect(reported).toEqual([]);
  });

  test("complete on a disabled experiment rewards nothing", async () => {
    const { experiments, base } = setup();
    await experiments.assign(GREETING, "user-2");
    expect(await experiments.complete(GREETING, "user-2", 1)).toMatchObject({ rewarded: false });
    expect((await base.getArms(GREETING)).every((arm) => arm.count === 0)).toBe(true);
  });
});

describe("an enabled experiment", () => {
  test("enable turns it on with zeroed statistics per variant", async () => {
    const { experiments, base } = setup();
    expect(await experiments.enable(GREETING)).toBe(true);
    expect(await experiments.isEnabled(GREETING)).toBe(true);
    expect(await experiments.isEnabled(CTA)).toBe(false);
    expect(await base.getArms(GREETING)).toEqual([
      { count: 0, sum: 0 },
      { count: 0, sum: 0 },
      { count: 0, sum: 0 },
    ]);
  });

  const known = conformance.cases.flatMap(({ salt, unitId, variant }) =>
    variant === undefined ? [] : [{ salt, unitId, variant }],
  );

  test.each(known)(
    "assigns $salt:$unitId as assignment.json says (variant $variant)",
    async ({ salt, unitId, variant }) => {
      const document = [greeting, checkoutCta].find((candidate) => candidate.salt === salt)!;
      const { experiments, base } = setup();
      await experiments.enable(document.name);
      const assignment = await experiments.assign(document.name, unitId);
      expect(assignment).toEqual({
        experiment: document.name,
        variant: variantNames(document)[variant],
        index: variant,
        reason: "SPLIT",
      });
      expect(await base.getAssignment(document.name, unitId)).toBe(variant);
    },
  );

  test("greeting_experiment: user-1 control, user-2 casual, user-3 friendly", async () => {
    const { experiments } = setup();
    await experiments.enable(GREETING);
    expect((await experiments.assign(GREETING, "user-1")).variant).toBe("control");
    expect((await experiments.assign(GREETING, "user-2")).variant).toBe("casual");
    expect((await experiments.assign(GREETING, "user-3")).variant).toBe("friendly");
  });

  test("an assignment is sticky: the stored choice wins over the hash, call after call", async () => {
    const { experiments, base } = setup();
    await experiments.enable(GREETING);
    // user-1 hashes to the control; a choice stored earlier (another process, another algorithm state) is kept.
    await base.assignIfAbsent(GREETING, "user-1", 2);
    for (let i = 0; i < 5; i++) {
      expect(await experiments.assign(GREETING, "user-1")).toEqual({
        experiment: GREETING,
        variant: "casual",
        index: 2,
        reason: "SPLIT",
      });
    }
    expect(await experiments.pick("user-1", "greeting")).toBe("Hey!");
    expect((await experiments.forUnit("user-1")).pick("greeting")).toBe("Hey!");
    expect(await base.getAssignment(GREETING, "user-1")).toBe(2);
  });

  test("a stored variant the definitions no longer have is replaced by a fresh assignment", async () => {
    const { experiments, base } = setup();
    await experiments.enable(GREETING);
    await base.assignIfAbsent(GREETING, "user-2", 7);
    expect(await experiments.assign(GREETING, "user-2")).toMatchObject({
      variant: "casual",
      index: 2,
      reason: "SPLIT",
    });
    expect(await base.getAssignment(GREETING, "user-2")).toBe(2);
  });

  test("forUnit resolves every experiment, then pick is synchronous", async () => {
    const { experiments } = setup();
    await experiments.enable(GREETING);
    await experiments.enable(CTA);
    const picks = await experiments.forUnit("alice");
    expect(picks.unitId).toBe("alice");
    // alice: checkout-cta → generous (assignment.json); greeting is whatever her hash gives, the same as assign.
    const greetingValue = picks.pick("greeting");
    expect(greetingValue).not.toBeInstanceOf(Promise);
    const { index } = await experiments.assign(GREETING, "alice");
    expect(greetingValue).toBe(greeting.variants[index]!.symbols.greeting);
    expect(picks.pick("ctaColor")).toBe("green");
    expect(picks.pick("freeShippingFrom")).toBe(35);
    expect(picks.pick("ctaLabel")).toBe("Checkout");
    expect(picks.assignment(CTA)).toEqual({ experiment: CTA, variant: "generous", index: 2, reason: "SPLIT" });
    expect((await experiments.forUnit("user-2")).pick("greeting")).toBe("Hey!");
  });

  test("pick(unitId, symbol) gives the unit's variant's value", async () => {
    const { experiments } = setup();
    await experiments.enable(GREETING);
    await experiments.enable(CTA);
    expect(await experiments.pick("user-1", "greeting")).toBe("Hello!");
    expect(await experiments.pick("user-2", "greeting")).toBe("Hey!");
    expect(await experiments.pick("user-3", "greeting")).toBe("Hi there!");
    expect(await experiments.pick("bob", "ctaColor")).toBe("blue");
    expect(await experiments.pick("Zoë", "ctaLabel")).toBe("Buy now");
  });
});

describe("complete", () => {
  test("rewards the assigned variant and ends the assignment", async () => {
    const { experiments, base } = setup();
    await experiments.enable(GREETING);
    await experiments.assign(GREETING, "user-2");
    expect(await experiments.complete(GREETING, "user-2", 0.75)).toEqual({ rewarded: true, variant: "casual" });
    expect(await base.getArms(GREETING)).toEqual([
      { count: 0, sum: 0 },
      { count: 0, sum: 0 },
      { count: 1, sum: 0.75 },
    ]);
    expect(await base.getAssignment(GREETING, "user-2")).toBeUndefined();
    const again = await experiments.complete(GREETING, "user-2", 0.75);
    expect(again.rewarded).toBe(false);
    expect(again.message).toMatch(/\S/);
    expect((await base.getArms(GREETING))[2]).toEqual({ count: 1, sum: 0.75 });
  });

  test("a unit without an assignment is not rewarded", async () => {
    const { experiments, base } = setup();
    await experiments.enable(GREETING);
    expect(await experiments.complete(GREETING, "never-assigned", 1)).toMatchObject({ rewarded: false });
    expect((await base.getArms(GREETING)).every((arm) => arm.count === 0)).toBe(true);
  });

  test("after complete the unit is assigned again, and rewards accumulate", async () => {
    const { experiments, base } = setup();
    await experiments.enable(GREETING);
    await experiments.assign(GREETING, "user-3");
    await experiments.complete(GREETING, "user-3", 0);
    expect(await experiments.assign(GREETING, "user-3")).toMatchObject({ variant: "friendly", reason: "SPLIT" });
    expect(await experiments.complete(GREETING, "user-3", 1)).toEqual({ rewarded: true, variant: "friendly" });
    expect((await base.getArms(GREETING))[1]).toEqual({ count: 2, sum: 1 });
  });

  test.each([-0.01, 1.01, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1, 2])(
    "score %d is rejected without throwing, and changes nothing",
    async (score) => {
      const { experiments, base } = setup();
      await experiments.enable(GREETING);
      await experiments.assign(GREETING, "user-2");
      const result = await experiments.complete(GREETING, "user-2", score);
      expect(result.rewarded).toBe(false);
      expect(result.message).toMatch(/\S/);
      expect((await base.getArms(GREETING)).every((arm) => arm.count === 0 && arm.sum === 0)).toBe(true);
      // The assignment is still there, for a complete with a valid score.
      expect(await base.getAssignment(GREETING, "user-2")).toBe(2);
      expect(await experiments.complete(GREETING, "user-2", 1)).toEqual({ rewarded: true, variant: "casual" });
    },
  );

  test("a score that is not a number (from plain JavaScript) is rejected, not summed", async () => {
    const { experiments, base } = setup();
    await experiments.enable(GREETING);
    await experiments.assign(GREETING, "user-2");
    const result = await experiments.complete(GREETING, "user-2", "0.5" as unknown as number);
    expect(result).toMatchObject({ rewarded: false, message: expect.stringContaining('"0.5"') });
    expect((await base.getArms(GREETING)).every((arm) => arm.count === 0 && arm.sum === 0)).toBe(true);
  });

  test("scores 0 and 1 are in range", async () => {
    const { experiments, base } = setup();
    await experiments.enable(GREETING);
    for (const score of [0, 1]) {
      await experiments.assign(GREETING, "user-1");
      expect(await experiments.complete(GREETING, "user-1", score)).toEqual({ rewarded: true, variant: "control" });
    }
    expect((await base.getArms(GREETING))[0]).toEqual({ count: 2, sum: 1 });
  });
});

describe("enable and disable", () => {
  test("disable serves the control and clears assignments and statistics", async () => {
    const { experiments, base } = setup();
    await experiments.enable(GREETING);
    await base.assignIfAbsent(GREETING, "user-1", 2); // user-1 would hash to the control
    await experiments.assign(GREETING, "user-2");
    await experiments.assign(GREETING, "user-3");
    await experiments.complete(GREETING, "user-3", 1);
    expect(await experiments.disable(GREETING)).toBe(true);
    expect(await experiments.isEnabled(GREETING)).toBe(false);
    expect(await experiments.assign(GREETING, "user-1")).toMatchObject({ variant: "control", reason: "DISABLED" });
    for (const unit of ["user-1", "user-2", "user-3"]) expect(await base.getAssignment(GREETING, unit)).toBeUndefined();
    expect((await base.getArms(GREETING)).every((arm) => arm.count === 0 && arm.sum === 0)).toBe(true);

    expect(await experiments.enable(GREETING)).toBe(true);
    expect(await base.getArms(GREETING)).toEqual([
      { count: 0, sum: 0 },
      { count: 0, sum: 0 },
      { count: 0, sum: 0 },
    ]);
    // The stored casual is gone: user-1 gets its hashed variant again.
    expect(await experiments.assign(GREETING, "user-1")).toMatchObject({ variant: "control", reason: "SPLIT" });
  });

  test("a completion or a pick in flight when the experiment is disabled brings nothing back", async () => {
    const { experiments, base } = setup();
    await experiments.enable(GREETING);
    await experiments.assign(GREETING, "user-1");
    const completing = experiments.complete(GREETING, "user-1", 1);
    const picking = experiments.assign(GREETING, "user-2");
    await experiments.disable(GREETING);
    await Promise.all([completing, picking]);
    expect(await base.getArms(GREETING)).toEqual([]);
    expect(await base.getAssignment(GREETING, "user-2")).toBeUndefined();
    await experiments.enable(GREETING);
    expect(await base.getArms(GREETING)).toEqual([0, 1, 2].map(() => ({ count: 0, sum: 0 })));
  });

  test("the memory store ignores rewards to arms it does not have and writes to disabled experiments", async () => {
    const store = memoryStore();
    await store.reward(GREETING, 2, 1);
    expect(await store.assignIfAbsent(GREETING, "user-1", 1)).toBe(1);
    expect(await store.getAssignment(GREETING, "user-1")).toBeUndefined();
    await store.enable(GREETING, 3);
    await store.reward(GREETING, 7, 1);
    expect(await store.getArms(GREETING)).toEqual([0, 1, 2].map(() => ({ count: 0, sum: 0 })));
  });

  test("enabling twice keeps statistics and assignments", async () => {
    const { experiments, base } = setup();
    await experiments.enable(GREETING);
    await experiments.assign(GREETING, "user-2");
    await experiments.complete(GREETING, "user-2", 0.5);
    await base.assignIfAbsent(GREETING, "user-1", 1);
    expect(await experiments.enable(GREETING)).toBe(true);
    expect(await base.getArms(GREETING)).toEqual([
      { count: 0, sum: 0 },
      { count: 0, sum: 0 },
      { count: 1, sum: 0.5 },
    ]);
    expect(await experiments.assign(GREETING, "user-1")).toMatchObject({ variant: "friendly", reason: "SPLIT" });
  });

  test("disabling one experiment leaves the others alone", async () => {
    const { experiments } = setup();
    await experiments.enable(GREETING);
    await experiments.enable(CTA);
    await experiments.disable(CTA);
    expect(await experiments.assign(GREETING, "user-2")).toMatchObject({ variant: "casual", reason: "SPLIT" });
    expect(await experiments.assign(CTA, "alice")).toMatchObject({ variant: "control", reason: "DISABLED" });
  });
});

describe("split", () => {
  const units = Array.from({ length: 10_000 }, (_, i) => `unit-${i}`);

  async function shares(name: string, variants: number) {
    const { experiments } = setup();
    await experiments.enable(name);
    const counts = new Array<number>(variants).fill(0);
    for (const unit of units) {
      const assignment = await experiments.assign(name, unit);
      expect(assignment.reason).toBe("SPLIT");
      counts[assignment.index]!++;
    }
    return counts.map((count) => count / units.length);
  }

  test("weighted 33/33/34 over 10,000 units is within 2% of the weights", async () => {
    const [control, friendly, casual] = await shares(GREETING, 3);
    expect(Math.abs(control! - 0.33)).toBeLessThan(0.02);
    expect(Math.abs(friendly! - 0.33)).toBeLessThan(0.02);
    expect(Math.abs(casual! - 0.34)).toBeLessThan(0.02);
  });

  test("random (equal weights) over 10,000 units is within 2% of a third each", async () => {
    for (const share of await shares(CTA, 3)) expect(Math.abs(share - 1 / 3)).toBeLessThan(0.02);
  });

  test("a weight of 0 is never assigned", async () => {
    const document = {
      ...greeting,
      name: "no-casual",
      algorithm: { kind: "weighted", weights: { control: 1, friendly: 1, casual: 0 } },
    };
    const experiments = createExperiments([document]);
    await experiments.enable("no-casual");
    for (const unit of units.slice(0, 2_000))
      expect((await experiments.assign("no-casual", unit)).variant).not.toBe("casual");
  });
});

describe("a failing store", () => {
  test.each(["throw", "reject"] as const)(
    "isEnabled that fails (%s): the control with reason ERROR, reported",
    async (mode) => {
      const { experiments, reported, errors } = setup({ isEnabled: mode });
      const assignment = await experiments.assign(GREETING, "user-2");
      expect(assignment).toMatchObject({ experiment: GREETING, variant: "control", index: 0, reason: "ERROR" });
      expect(assignment.message).toMatch(/\S/);
      expect(reported).toHaveLength(1);
      expect(reported[0]!.error).toBe(errors.get("isEnabled"));
      expect(reported[0]!.operation).toContain("isEnabled");
      expect(await experiments.pick("user-2", "greeting")).toBe("Hello!");
      const picks = await experiments.forUnit("user-2");
      expect(picks.pick("greeting")).toBe("Hello!");
      expect(picks.pick("ctaColor")).toBe("blue");
      expect(picks.assignment(GREETING).reason).toBe("ERROR");
      expect(await experiments.isEnabled(GREETING)).toBe(false);
    },
  );

  test.each(["throw", "reject"] as const)(
    "reading the assignment fails (%s): deterministic hash assignment with reason ERROR",
    async (mode) => {
      const { experiments, reported, base } = setup({ getAssignment: mode });
      await experiments.enable(GREETING);
      await experiments.enable(CTA);
      expect(await experiments.assign(GREETING, "user-1")).toMatchObject({
        variant: "control",
        index: 0,
        reason: "ERROR",
      });
      expect(await experiments.assign(GREETING, "user-2")).toMatchObject({
        variant: "casual",
        index: 2,
        reason: "ERROR",
      });
      expect(await experiments.assign(GREETING, "user-3")).toMatchObject({
        variant: "friendly",
        index: 1,
        reason: "ERROR",
      });
      expect(await experiments.assign(CTA, "alice")).toMatchObject({ variant: "generous", index: 2, reason: "ERROR" });
      expect((await experiments.assign(GREETING, "user-2")).message).toMatch(/\S/);
      expect(await experiments.pick("user-2", "greeting")).toBe("Hey!");
      expect((await experiments.forUnit("user-3")).pick("greeting")).toBe("Hi there!");
      expect(reported.length).toBeGreaterThanOrEqual(5);
      for (const { operation } of reported) expect(operation).toMatch(/assign/);
      expect(reported.some(({ operation }) => operation.includes(GREETING) && operation.includes("user-2"))).toBe(true);
      expect(await base.getAssignment(GREETING, "user-2")).toBeUndefined();
    },
  );

  test("storing the assignment fails: deterministic hash assignment with reason ERROR", async () => {
    const { experiments, reported } = setup({ assignIfAbsent: "reject" });
    await experiments.enable(GREETING);
    expect(await experiments.assign(GREETING, "user-2")).toMatchObject({ variant: "casual", reason: "ERROR" });
    expect(reported).toHaveLength(1);
  });

  test("enable and disable that fail resolve false and are reported", async () => {
    const { experiments, reported } = setup({ enable: "throw", disable: "reject" });
    expect(await experiments.enable(GREETING)).toBe(false);
    expect(await experiments.disable(GREETING)).toBe(false);
    expect(reported.map(({ operation }) => operation)).toEqual([
      expect.stringContaining("enable"),
      expect.stringContaining("disable"),
    ]);
    expect(await experiments.assign(GREETING, "user-2")).toMatchObject({ variant: "control", reason: "DISABLED" });
  });

  test.each(["takeAssignment", "reward"] as const)(
    "complete whose %s fails: not rewarded, reported",
    async (method) => {
      const { experiments, reported } = setup({ [method]: "reject" });
      await experiments.enable(GREETING);
      await experiments.assign(GREETING, "user-2");
      const result = await experiments.complete(GREETING, "user-2", 1);
      expect(result.rewarded).toBe(false);
      expect(result.message).toMatch(/\S/);
      expect(reported).toHaveLength(1);
      expect(reported[0]!.operation).toContain("complete");
    },
  );

  test("a store where everything fails never throws", async () => {
    const everything = Object.fromEntries(methods.map((method) => [method, "throw" as const]));
    const { experiments, reported } = setup(everything);
    await expect(experiments.enable(GREETING)).resolves.toBe(false);
    await expect(experiments.isEnabled(GREETING)).resolves.toBe(false);
    await expect(experiments.assign(GREETING, "user-2")).resolves.toMatchObject({
      variant: "control",
      reason: "ERROR",
    });
    await expect(experiments.pick("user-2", "ctaLabel")).resolves.toBe("Checkout");
    const picks = await experiments.forUnit("user-2");
    expect(picks.pick("greeting")).toBe("Hello!");
    await expect(experiments.complete(GREETING, "user-2", 1)).resolves.toMatchObject({ rewarded: false });
    await expect(experiments.disable(GREETING)).resolves.toBe(false);
    expect(reported.length).toBeGreaterThan(0);
  });

  test("an onError that throws does not make a pick throw", async () => {
    const experiments = createExperiments(documents, {
      store: faultyStore({ isEnabled: "throw", getAssignment: "reject" }).store,
      onError: () => {
        throw new Error("the logger is down too");
      },
    });
    await expect(experiments.assign(GREETING, "user-2")).resolves.toMatchObject({
      variant: "control",
      reason: "ERROR",
    });
  });

  test("without onError, failures are reported with console.warn", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const experiments = createExperiments(documents, { store: faultyStore({ isEnabled: "throw" }).store });
    expect(await experiments.assign(GREETING, "user-2")).toMatchObject({ variant: "control", reason: "ERROR" });
    expect(warn).toHaveBeenCalled();
  });
});

describe("unknown names and bad documents", () => {
  test("an unknown experiment or symbol does not throw", async () => {
    const { experiments, reported } = setup();
    const assignment = await experiments.assign("no-such-experiment", "user-1");
    expect(assignment).toMatchObject({ experiment: "no-such-experiment", reason: "ERROR" });
    expect(assignment.message).toContain("no-such-experiment");
    expect(await experiments.enable("no-such-experiment")).toBe(false);
    expect(await experiments.disable("no-such-experiment")).toBe(false);
    expect(await experiments.isEnabled("no-such-experiment")).toBe(false);
    expect(await experiments.complete("no-such-experiment", "user-1", 1)).toMatchObject({ rewarded: false });
    expect(await experiments.pick("user-1", "no-such-symbol")).toBeUndefined();
    const picks = await experiments.forUnit("user-1");
    expect(picks.pick("no-such-symbol")).toBeUndefined();
    expect(picks.assignment("no-such-experiment").reason).toBe("ERROR");
    expect(reported).toEqual([]);
  });

  test("documents that cannot run serve the control with reason ERROR", async () => {
    const documents: unknown[] = [
      null,
      {},
      42,
      { ...greeting, name: "future", formatVersion: 2 },
      { ...greeting, name: "unknown-algorithm", algorithm: { kind: "thompson-sampling-v9" } },
      { ...greeting, name: "no-variants", variants: [] },
    ];
    const reported: string[] = [];
    const experiments = createExperiments(documents, { onError: (_, operation) => reported.push(operation) });
    expect(reported).toEqual(documents.map((_, index) => `load documents[${index}]`));
    for (const name of ["future", "unknown-algorithm"]) {
      await experiments.enable(name);
      const assignment = await experiments.assign(name, "user-2");
      expect(assignment).toMatchObject({ experiment: name, variant: "control", index: 0, reason: "ERROR" });
      expect(assignment.message).toMatch(/\S/);
    }
    await experiments.enable("no-variants");
    expect(await experiments.assign("no-variants", "user-2")).toMatchObject({ reason: "ERROR" });
    await expect(experiments.forUnit("user-2")).resolves.toBeDefined();
  });
});

describe("the generated module", () => {
  test("runs pyrosper's loop with typed picks", async () => {
    const store = memoryStore();
    const reported: string[] = [];
    const experiments = createGeneratedExperiments({ store, onError: (_, operation) => reported.push(operation) });
    expect(await experiments.pick("user-2", "greeting")).toBe("Hello!");
    await experiments.enable("greeting_experiment");
    const picks = await experiments.forUnit("user-2");
    const value: "Hello!" | "Hi there!" | "Hey!" = picks.pick("greeting");
    expect(value).toBe("Hey!");
    expect(picks.pick("ctaLabel")).toBe("Checkout");
    expect(picks.assignment("greeting_experiment")).toEqual({
      experiment: GREETING,
      variant: "casual",
      index: 2,
      reason: "SPLIT",
    });
    expect(await experiments.pick("user-3", "greeting")).toBe("Hi there!");
    await experiments.enable("checkout-cta");
    const shipping: 50 | 35 = await experiments.pick("alice", "freeShippingFrom");
    expect(shipping).toBe(35);
    expect(await experiments.complete("greeting_experiment", "user-2", 1)).toEqual({
      rewarded: true,
      variant: "casual",
    });
    expect((await store.getArms(GREETING))[2]).toEqual({ count: 1, sum: 1 });
    // @ts-expect-error: not an experiment of the generated module
    expect(await experiments.assign("no-such-experiment", "user-2")).toMatchObject({ reason: "ERROR" });
    // @ts-expect-error: not a symbol of the generated module
    expect(await experiments.pick("user-2", "no-such-symbol")).toBeUndefined();
    expect(reported).toEqual([]);
  });
});
