import {
  createExperiments,
  memoryStore,
  type ArmStats,
  type ExperimentOptions,
  type ExperimentStats,
  type ExperimentStore,
} from "prosper-runtime";
import { results as resultsOf } from "prosper-runtime/results";
import { afterEach, describe, expect, test, vi } from "vitest";
import checkoutCta from "../../generated/experiments/checkout-cta.json" with { type: "json" };
import greeting from "../../generated/experiments/greeting_experiment.json" with { type: "json" };
import { createExperiments as createGeneratedExperiments } from "../../generated/index.js";
import conformance from "../conformance/assignment.json" with { type: "json" };
import { METHODS, type Method } from "../support/experiment-store.js";

const GREETING = "greeting_experiment";
const CTA = "checkout-cta";
const documents = [greeting, checkoutCta];

/** The variant names of an experiment document, in order. */
const variantNames = (document: { variants: readonly { name: string }[] }) =>
  document.variants.map((variant) => variant.name);
/** control, friendly, casual. */
const GREETING_VARIANTS = variantNames(greeting);

const methods = METHODS;

type Failing = Partial<Record<Method, "throw" | "reject">>;

/**
 * A store that records every call (`calls`, and their arguments in `args`) and fails the methods
 * `failing` names, read at each call: by throwing, or by rejecting.
 */
function faultyStore(failing: Failing = {}, base: ExperimentStore = memoryStore()) {
  const calls: Method[] = [];
  const args: unknown[][] = [];
  const errors = new Map<Method, Error>();
  const store = {} as Record<Method, (...args: unknown[]) => unknown>;
  for (const method of methods) {
    store[method] = (...given) => {
      calls.push(method);
      args.push(given);
      const mode = failing[method];
      if (mode) {
        const error = new Error(`${method} is down`);
        errors.set(method, error);
        if (mode === "throw") throw error;
        return Promise.reject(error);
      }
      return (base[method] as (...args: unknown[]) => unknown)(...given);
    };
  }
  return { store: store as unknown as ExperimentStore, base, calls, args, errors };
}

/**
 * A client over a faulty store. Rewards draw their Bernoulli(score) success with `random` = 0.5:
 * a score above a half succeeds, one of a half or less does not.
 */
function setup(failing: Failing = {}, options: ExperimentOptions = {}) {
  const faulty = faultyStore(failing);
  const reported: { error: unknown; operation: string }[] = [];
  const experiments = createExperiments(documents, {
    random: () => 0.5,
    ...options,
    store: faulty.store,
    onError: (error, operation) => reported.push({ error, operation }),
  });
  return { experiments, reported, failing, ...faulty };
}

/** The unit's stored variant name, read straight from the store. */
const storedVariant = async (store: ExperimentStore, experiment: string, unitId: string) =>
  (await store.readUnit(unitId, [experiment], [])).experiments[0]!.variant;

/** The experiment's statistics, read straight from the store. */
const statsOf = async (store: ExperimentStore, experiment: string): Promise<ExperimentStats> =>
  (await store.readStats([experiment]))[0]!;

/** Stores `variant` for the unit, as another process would (or an older version of the definitions). */
const storeVariant = (
  store: ExperimentStore,
  experiment: string,
  unitId: string,
  variant: string,
  variants: readonly string[] = [variant],
) => store.assign([{ experiment, unitId, variant, variants }]);

const arm = (assigned: number, count = 0, sum = 0, successes = 0): ArmStats => ({ assigned, count, sum, successes });

const WRITES: Method[] = ["enable", "disable", "assign", "complete"];

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
    await experiments.flush();
    expect(calls.filter((method) => WRITES.includes(method))).toEqual([]);
    expect(await storedVariant(base, GREETING, "user-2")).toBeUndefined();
    expect(await statsOf(base, GREETING)).toEqual({});
    expect(reported).toEqual([]);
  });

  test("complete on a disabled experiment rewards nothing", async () => {
    const { experiments, base } = setup();
    expect(await experiments.assign(GREETING, "user-2")).toMatchObject({ reason: "DISABLED" });
    expect(await experiments.complete(GREETING, "user-2", 1)).toMatchObject({ rewarded: false });
    expect(await statsOf(base, GREETING)).toEqual({});
  });
});

describe("an enabled experiment", () => {
  test("enable turns it on with zeroed statistics per variant", async () => {
    const { experiments, base } = setup();
    expect(await experiments.enable(GREETING)).toBe(true);
    expect(await experiments.isEnabled(GREETING)).toBe(true);
    expect(await experiments.isEnabled(CTA)).toBe(false);
    // Statistics are keyed by variant name now, and a variant without any is absent: it reads as zeros.
    expect(await statsOf(base, GREETING)).toEqual({});
    const { variants } = await resultsOf(experiments, GREETING);
    expect(variants.map(({ variant, assigned, completed }) => ({ variant, assigned, completed }))).toEqual(
      GREETING_VARIANTS.map((variant) => ({ variant, assigned: 0, completed: 0 })),
    );
  });

  const known = conformance.cases.flatMap(({ salt, unitId, variant }) =>
    variant === undefined ? [] : [{ salt, unitId, variant }],
  );

  test.each(known)(
    "assigns $salt:$unitId as assignment.json says (variant $variant)",
    async ({ salt, unitId, variant }) => {
      const document = [greeting, checkoutCta].find((candidate) => candidate.salt === salt)!;
      const name = variantNames(document)[variant]!;
      const { experiments, base } = setup();
      await experiments.enable(document.name);
      const assignment = await experiments.assign(document.name, unitId);
      expect(assignment).toEqual({ experiment: document.name, variant: name, index: variant, reason: "SPLIT" });
      // assign() awaits its own write: the store has the variant, by name, without a flush.
      expect(await storedVariant(base, document.name, unitId)).toBe(name);
      expect(await statsOf(base, document.name)).toEqual({ [name]: arm(1) });

      // A unit's picks, assigning lazily, choose the same.
      const other = setup();
      await other.experiments.enable(document.name);
      expect((await other.experiments.forUnit(unitId)).assignment(document.name)).toEqual(assignment);
      await other.experiments.flush();
      expect(await storedVariant(other.base, document.name, unitId)).toBe(name);
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
    const { experiments, base, calls } = setup();
    await experiments.enable(GREETING);
    // user-1 hashes to the control; a choice stored earlier (another process, another algorithm state) is kept.
    await storeVariant(base, GREETING, "user-1", "casual", GREETING_VARIANTS);
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
    await experiments.flush();
    expect(await storedVariant(base, GREETING, "user-1")).toBe("casual");
    // Served from the store: nothing was written again, nor counted again.
    expect(calls).not.toContain("assign");
    expect(await statsOf(base, GREETING)).toEqual({ casual: arm(1) });
  });

  test("a stored variant the definitions no longer have is replaced by a fresh assignment", async () => {
    const { experiments, base } = setup();
    await experiments.enable(GREETING);
    // "formal" was one of the experiment's variants once; the definitions have dropped it.
    await storeVariant(base, GREETING, "user-2", "formal");
    await storeVariant(base, GREETING, "user-3", "formal");
    expect(await storedVariant(base, GREETING, "user-2")).toBe("formal");
    expect(await experiments.assign(GREETING, "user-2")).toEqual({
      experiment: GREETING,
      variant: "casual",
      index: 2,
      reason: "SPLIT",
    });
    // The store's assign replaces a stored variant that is not one of the experiment's variants.
    expect(await storedVariant(base, GREETING, "user-2")).toBe("casual");
    // The same through a unit's picks, written behind.
    const picks = await experiments.forUnit("user-3");
    expect(picks.assignment(GREETING)).toMatchObject({ variant: "friendly", reason: "SPLIT" });
    expect(picks.pick("greeting")).toBe("Hi there!");
    await experiments.flush();
    expect(await storedVariant(base, GREETING, "user-3")).toBe("friendly");
    expect(await statsOf(base, GREETING)).toEqual({ formal: arm(2), casual: arm(1), friendly: arm(1) });
  });

  test("a unit another process assigned first gets that process's variant", async () => {
    // assign(): the other process stores friendly between this one's read and its write.
    const base = memoryStore();
    const racing: ExperimentStore = {
      ...base,
      readUnit: async (unitId, names, stats) => {
        const read = await base.readUnit(unitId, names, stats);
        await storeVariant(base, GREETING, unitId, "friendly", GREETING_VARIANTS);
        return read;
      },
    };
    const experiments = createExperiments(documents, { store: racing });
    await experiments.enable(GREETING);
    expect(await experiments.assign(GREETING, "user-1")).toEqual({
      experiment: GREETING,
      variant: "friendly",
      index: 1,
      reason: "SPLIT",
    });
    expect(await storedVariant(base, GREETING, "user-1")).toBe("friendly");

    // forUnit: the pick is served at once from the hash, then the picks follow what the store kept.
    const other = setup();
    await other.experiments.enable(GREETING);
    const picks = await other.experiments.forUnit("user-2");
    await storeVariant(other.base, GREETING, "user-2", "friendly", GREETING_VARIANTS);
    expect(picks.assignment(GREETING)).toMatchObject({ variant: "casual", reason: "SPLIT" });
    await other.experiments.flush();
    expect(picks.assignment(GREETING)).toEqual({
      experiment: GREETING,
      variant: "friendly",
      index: 1,
      reason: "SPLIT",
    });
    expect(picks.pick("greeting")).toBe("Hi there!");
    expect(await storedVariant(other.base, GREETING, "user-2")).toBe("friendly");
    expect(await statsOf(other.base, GREETING)).toEqual({ friendly: arm(1) });
  });

  test("forUnit resolves every experiment in one round trip, then pick is synchronous", async () => {
    const { experiments, calls, args } = setup();
    await experiments.enable(GREETING);
    await experiments.enable(CTA);
    calls.length = args.length = 0;
    const picks = await experiments.forUnit("alice");
    expect(picks.unitId).toBe("alice");
    // One readUnit for the unit, however many experiments (it used to be calls per experiment).
    expect(calls).toEqual(["readUnit"]);
    expect(args[0]).toEqual(["alice", [GREETING, CTA], []]);
    // alice: checkout-cta → generous (assignment.json); greeting is whatever her hash gives, the same as assign.
    const greetingValue = picks.pick("greeting");
    expect(greetingValue).not.toBeInstanceOf(Promise);
    expect(picks.pick("ctaColor")).toBe("green");
    expect(picks.pick("freeShippingFrom")).toBe(35);
    expect(picks.pick("ctaLabel")).toBe("Checkout");
    expect(picks.assignment(CTA)).toEqual({ experiment: CTA, variant: "generous", index: 2, reason: "SPLIT" });
    const greetingVariant = picks.assignment(GREETING).variant;
    // The picks' assignments are written behind, both in one batch.
    await experiments.flush();
    expect(calls).toEqual(["readUnit", "assign"]);
    expect(args[1]).toEqual([
      [
        { experiment: GREETING, unitId: "alice", variant: greetingVariant, variants: GREETING_VARIANTS },
        { experiment: CTA, unitId: "alice", variant: "generous", variants: variantNames(checkoutCta) },
      ],
    ]);
    const { index } = await experiments.assign(GREETING, "alice");
    expect(greetingValue).toBe(greeting.variants[index]!.symbols.greeting);
    expect((await experiments.forUnit("user-2")).pick("greeting")).toBe("Hey!");
  });

  test("picks assign lazily, each experiment once, and the writes of one tick go in one batch", async () => {
    const { experiments, base, calls, args } = setup();
    await experiments.enable(GREETING);
    await experiments.enable(CTA);
    const units = ["user-1", "user-2", "user-3"];
    const all = await Promise.all(units.map((unit) => experiments.forUnit(unit)));
    calls.length = args.length = 0;
    for (const picks of all) {
      picks.pick("greeting");
      picks.pick("greeting");
      picks.assignment(GREETING);
    }
    await experiments.flush();
    expect(calls).toEqual(["assign"]);
    expect(args[0]).toEqual([
      units.map((unitId) => expect.objectContaining({ experiment: GREETING, unitId, variants: GREETING_VARIANTS })),
    ]);
    expect(await Promise.all(units.map((unit) => storedVariant(base, GREETING, unit)))).toEqual([
      "control",
      "casual",
      "friendly",
    ]);
    // Nobody picked from checkout-cta: nobody was assigned to it.
    for (const unit of units) expect(await storedVariant(base, CTA, unit)).toBeUndefined();
    expect(await statsOf(base, CTA)).toEqual({});
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
    // The Bernoulli(0.75) draw succeeded: random() gave 0.5.
    expect(await statsOf(base, GREETING)).toEqual({ casual: arm(1, 1, 0.75, 1) });
    expect(await storedVariant(base, GREETING, "user-2")).toBeUndefined();
    const again = await experiments.complete(GREETING, "user-2", 0.75);
    expect(again.rewarded).toBe(false);
    expect(again.message).toMatch(/\S/);
    expect(await statsOf(base, GREETING)).toEqual({ casual: arm(1, 1, 0.75, 1) });
  });

  test("a unit without an assignment is not rewarded", async () => {
    const { experiments, base } = setup();
    await experiments.enable(GREETING);
    expect(await experiments.complete(GREETING, "never-assigned", 1)).toMatchObject({ rewarded: false });
    expect(await statsOf(base, GREETING)).toEqual({});
  });

  test("after complete the unit is assigned again, and rewards accumulate", async () => {
    const { experiments, base } = setup();
    await experiments.enable(GREETING);
    await experiments.assign(GREETING, "user-3");
    await experiments.complete(GREETING, "user-3", 0);
    expect(await experiments.assign(GREETING, "user-3")).toMatchObject({ variant: "friendly", reason: "SPLIT" });
    expect(await experiments.complete(GREETING, "user-3", 1)).toEqual({ rewarded: true, variant: "friendly" });
    expect(await statsOf(base, GREETING)).toEqual({ friendly: arm(2, 2, 1, 1) });
  });

  test("racing completions: exactly one is rewarded, in one process or across two", async () => {
    const { experiments, base } = setup();
    await experiments.enable(GREETING);
    await experiments.assign(GREETING, "user-2");
    const results = await Promise.all([1, 2, 3].map(() => experiments.complete(GREETING, "user-2", 0.75)));
    expect(results.filter(({ rewarded }) => rewarded)).toEqual([{ rewarded: true, variant: "casual" }]);
    expect(await statsOf(base, GREETING)).toEqual({ casual: arm(1, 1, 0.75, 1) });

    const shared = memoryStore();
    const [one, two] = [1, 2].map(() => createExperiments(documents, { store: shared }));
    await one!.enable(GREETING);
    await two!.assign(GREETING, "user-3");
    const raced = await Promise.all([one!.complete(GREETING, "user-3", 1), two!.complete(GREETING, "user-3", 1)]);
    expect(raced.filter(({ rewarded }) => rewarded)).toEqual([{ rewarded: true, variant: "friendly" }]);
    expect(await statsOf(shared, GREETING)).toEqual({ friendly: arm(1, 1, 1, 1) });
  });

  test("complete right after a pick waits for the pick's write", async () => {
    const { experiments, base } = setup();
    await experiments.enable(GREETING);
    const picks = await experiments.forUnit("user-2");
    expect(picks.pick("greeting")).toBe("Hey!");
    // No flush: complete waits for the assignment still being written.
    expect(await experiments.complete(GREETING, "user-2", 1)).toEqual({ rewarded: true, variant: "casual" });
    expect(await statsOf(base, GREETING)).toEqual({ casual: arm(1, 1, 1, 1) });
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
      expect(await statsOf(base, GREETING)).toEqual({ casual: arm(1) });
      // The assignment is still there, for a complete with a valid score.
      expect(await storedVariant(base, GREETING, "user-2")).toBe("casual");
      expect(await experiments.complete(GREETING, "user-2", 1)).toEqual({ rewarded: true, variant: "casual" });
    },
  );

  test("a score that is not a number (from plain JavaScript) is rejected, not summed", async () => {
    const { experiments, base } = setup();
    await experiments.enable(GREETING);
    await experiments.assign(GREETING, "user-2");
    const result = await experiments.complete(GREETING, "user-2", "0.5" as unknown as number);
    expect(result).toMatchObject({ rewarded: false, message: expect.stringContaining('"0.5"') });
    expect(await statsOf(base, GREETING)).toEqual({ casual: arm(1) });
  });

  test("scores 0 and 1 are in range", async () => {
    const { experiments, base } = setup();
    await experiments.enable(GREETING);
    for (const score of [0, 1]) {
      await experiments.assign(GREETING, "user-1");
      expect(await experiments.complete(GREETING, "user-1", score)).toEqual({ rewarded: true, variant: "control" });
    }
    expect(await statsOf(base, GREETING)).toEqual({ control: arm(2, 2, 1, 1) });
  });
});

describe("enable and disable", () => {
  test("disable serves the control and clears assignments and statistics", async () => {
    const { experiments, base } = setup();
    await experiments.enable(GREETING);
    await storeVariant(base, GREETING, "user-1", "casual", GREETING_VARIANTS); // user-1 would hash to the control
    await experiments.assign(GREETING, "user-2");
    await experiments.assign(GREETING, "user-3");
    await experiments.complete(GREETING, "user-3", 1);
    expect(await experiments.disable(GREETING)).toBe(true);
    expect(await experiments.isEnabled(GREETING)).toBe(false);
    expect(await experiments.assign(GREETING, "user-1")).toMatchObject({ variant: "control", reason: "DISABLED" });
    for (const unit of ["user-1", "user-2", "user-3"])
      expect(await storedVariant(base, GREETING, unit)).toBeUndefined();
    expect(await statsOf(base, GREETING)).toEqual({});

    expect(await experiments.enable(GREETING)).toBe(true);
    expect(await statsOf(base, GREETING)).toEqual({});
    // The stored casual is gone: user-1 gets its hashed variant again.
    expect(await experiments.assign(GREETING, "user-1")).toMatchObject({ variant: "control", reason: "SPLIT" });
  });

  test("a completion or a pick in flight when the experiment is disabled brings nothing back", async () => {
    const { experiments, base } = setup();
    await experiments.enable(GREETING);
    await experiments.assign(GREETING, "user-1");
    const picks = await experiments.forUnit("user-3");
    const completing = experiments.complete(GREETING, "user-1", 1);
    const picking = experiments.assign(GREETING, "user-2");
    picks.pick("greeting");
    await experiments.disable(GREETING);
    await Promise.all([completing, picking, experiments.flush()]);
    expect(await base.isEnabled(GREETING)).toBe(false);
    expect(await statsOf(base, GREETING)).toEqual({});
    for (const unit of ["user-1", "user-2", "user-3"])
      expect(await storedVariant(base, GREETING, unit)).toBeUndefined();
    await experiments.enable(GREETING);
    expect(await statsOf(base, GREETING)).toEqual({});
  });

  test("writes that reach the store after disable change nothing", async () => {
    const { experiments, base } = setup();
    await experiments.enable(GREETING);
    await experiments.assign(GREETING, "user-1");
    // user-2's state was read while the experiment was on; the pick's write arrives after disable.
    const picks = await experiments.forUnit("user-2");
    await experiments.disable(GREETING);
    expect(picks.pick("greeting")).toBe("Hey!");
    await experiments.flush();
    expect(await experiments.complete(GREETING, "user-1", 1)).toMatchObject({ rewarded: false });
    expect(await base.isEnabled(GREETING)).toBe(false);
    expect(await storedVariant(base, GREETING, "user-2")).toBeUndefined();
    expect(await statsOf(base, GREETING)).toEqual({});
  });

  test("the memory store ignores writes to disabled experiments, and rewards no variant outside `variants`", async () => {
    const store = memoryStore();
    const reward = { score: 1, success: 1 } as const;
    expect(await store.complete(GREETING, "user-1", reward, GREETING_VARIANTS)).toBeUndefined();
    expect(await storeVariant(store, GREETING, "user-1", "friendly", GREETING_VARIANTS)).toEqual([
      { variant: "friendly", stored: false },
    ]);
    expect(await storedVariant(store, GREETING, "user-1")).toBeUndefined();
    expect(await statsOf(store, GREETING)).toEqual({});
    expect(await store.isEnabled(GREETING)).toBe(false);

    await store.enable(GREETING);
    // Set if absent: the stored variant wins when it is one of `variants`...
    expect(await storeVariant(store, GREETING, "user-1", "friendly", GREETING_VARIANTS)).toEqual([
      { variant: "friendly", stored: true },
    ]);
    expect(await storeVariant(store, GREETING, "user-1", "casual", GREETING_VARIANTS)).toEqual([
      { variant: "friendly", stored: false },
    ]);
    // ...and is replaced when it is not.
    expect(await storeVariant(store, GREETING, "user-1", "casual", ["control", "casual"])).toEqual([
      { variant: "casual", stored: true },
    ]);
    // A completion takes the assignment, but rewards it only if it is one of `variants`.
    expect(await store.complete(GREETING, "user-1", reward, ["control", "friendly"])).toBe("casual");
    expect(await storedVariant(store, GREETING, "user-1")).toBeUndefined();
    expect(await statsOf(store, GREETING)).toEqual({ friendly: arm(1), casual: arm(1) });
  });

  test("enabling twice keeps statistics and assignments", async () => {
    const { experiments, base } = setup();
    await experiments.enable(GREETING);
    await experiments.assign(GREETING, "user-2");
    await experiments.complete(GREETING, "user-2", 0.5);
    await storeVariant(base, GREETING, "user-1", "friendly", GREETING_VARIANTS);
    expect(await experiments.enable(GREETING)).toBe(true);
    // The Bernoulli(0.5) draw failed: random() gave 0.5.
    expect(await statsOf(base, GREETING)).toEqual({ casual: arm(1, 1, 0.5, 0), friendly: arm(1) });
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
  test.each(["throw", "reject"] as const)("isEnabled that fails (%s): false, reported", async (mode) => {
    const { experiments, reported, errors } = setup({ isEnabled: mode });
    expect(await experiments.enable(GREETING)).toBe(true);
    expect(await experiments.isEnabled(GREETING)).toBe(false);
    expect(reported).toEqual([{ error: errors.get("isEnabled"), operation: 'isEnabled("greeting_experiment")' }]);
    // Assignments no longer ask isEnabled: the unit's one readUnit says whether the experiment is on.
    expect(await experiments.assign(GREETING, "user-2")).toMatchObject({ variant: "casual", reason: "SPLIT" });
  });

  test.each(["throw", "reject"] as const)(
    "readUnit that fails (%s) for an experiment never seen enabled: the control with reason ERROR, reported",
    async (mode) => {
      const { experiments, reported, errors, base, calls } = setup({ readUnit: mode });
      // Enabled by another process: this one never saw it on.
      await base.enable(GREETING);
      const assignment = await experiments.assign(GREETING, "user-2");
      expect(assignment).toMatchObject({ experiment: GREETING, variant: "control", index: 0, reason: "ERROR" });
      expect(assignment.message).toBe(
        `assign("greeting_experiment") for "user-2" failed: readUnit is down; served the control`,
      );
      expect(reported).toEqual([
        { error: errors.get("readUnit"), operation: 'assign("greeting_experiment") for "user-2"' },
      ]);
      expect(await experiments.pick("user-2", "greeting")).toBe("Hello!");
      const picks = await experiments.forUnit("user-2");
      expect(picks.pick("greeting")).toBe("Hello!");
      expect(picks.pick("ctaColor")).toBe("blue");
      expect(picks.assignment(GREETING).reason).toBe("ERROR");
      await experiments.flush();
      expect(calls).not.toContain("assign");
    },
  );

  test.each(["throw", "reject"] as const)(
    "readUnit that fails (%s) for an experiment last seen enabled: deterministic hash assignment with reason ERROR",
    async (mode) => {
      const { experiments, reported, base, calls } = setup({ readUnit: mode });
      await experiments.enable(GREETING);
      await experiments.enable(CTA);
      const withoutStore = expect.stringContaining("; assigned without the store");
      expect(await experiments.assign(GREETING, "user-1")).toMatchObject({
        variant: "control",
        index: 0,
        reason: "ERROR",
        message: withoutStore,
      });
      expect(await experiments.assign(GREETING, "user-2")).toMatchObject({
        variant: "casual",
        index: 2,
        reason: "ERROR",
        message: withoutStore,
      });
      expect(await experiments.assign(GREETING, "user-3")).toMatchObject({
        variant: "friendly",
        index: 1,
        reason: "ERROR",
        message: withoutStore,
      });
      expect(await experiments.assign(CTA, "alice")).toMatchObject({ variant: "generous", index: 2, reason: "ERROR" });
      expect(await experiments.pick("user-2", "greeting")).toBe("Hey!");
      const picks = await experiments.forUnit("user-3");
      expect(picks.pick("greeting")).toBe("Hi there!");
      expect(picks.assignment(GREETING)).toMatchObject({ reason: "ERROR", message: withoutStore });
      expect(reported).toHaveLength(6);
      for (const { operation } of reported) expect(operation).toMatch(/^(assign|pick|forUnit)\(/);
      expect(reported.some(({ operation }) => operation.includes(GREETING) && operation.includes("user-2"))).toBe(true);
      // Served without the store: nothing is written.
      await experiments.flush();
      expect(calls).not.toContain("assign");
      expect(await storedVariant(base, GREETING, "user-2")).toBeUndefined();
    },
  );

  test("the fallback follows what the store said last: enabled → the hash variant, disabled → the control", async () => {
    const { experiments, base, failing } = setup();
    // Turned on and off by another process: this one learns of it from its reads.
    await base.enable(GREETING);
    expect(await experiments.assign(GREETING, "user-1")).toMatchObject({ variant: "control", reason: "SPLIT" });
    failing.readUnit = "reject";
    expect(await experiments.assign(GREETING, "user-2")).toMatchObject({
      variant: "casual",
      reason: "ERROR",
      message: expect.stringContaining("assigned without the store"),
    });
    delete failing.readUnit;
    await base.disable(GREETING);
    expect(await experiments.assign(GREETING, "user-2")).toMatchObject({ variant: "control", reason: "DISABLED" });
    failing.readUnit = "reject";
    expect(await experiments.assign(GREETING, "user-2")).toMatchObject({
      variant: "control",
      reason: "ERROR",
      message: expect.stringContaining("served the control"),
    });
  });

  test.each(["reject"] as const)(
    "storing the assignment fails (%s): assign serves the variant with reason ERROR, reported",
    async (mode) => {
      const { experiments, reported, errors } = setup({ assign: mode });
      await experiments.enable(GREETING);
      const assignment = await experiments.assign(GREETING, "user-2");
      expect(reported).toEqual([{ error: errors.get("assign"), operation: 'assign("greeting_experiment", "user-2")' }]);
      // Not stored, so not sticky: the old assignIfAbsent failure gave ERROR, as every other store failure does.
      expect(assignment).toMatchObject({
        variant: "casual",
        reason: "ERROR",
        message: expect.stringContaining("is down"),
      });
    },
  );

  test("a batch of pick writes that fails is reported once; the picks keep their variants", async () => {
    const { experiments, reported, errors, base } = setup({ assign: "reject" });
    await experiments.enable(GREETING);
    const all = await Promise.all(["user-1", "user-2", "user-3"].map((unit) => experiments.forUnit(unit)));
    expect(all.map((picks) => picks.pick("greeting"))).toEqual(["Hello!", "Hey!", "Hi there!"]);
    await experiments.flush();
    expect(reported).toEqual([{ error: errors.get("assign"), operation: "assign(3 assignments)" }]);
    expect(all.map((picks) => picks.pick("greeting"))).toEqual(["Hello!", "Hey!", "Hi there!"]);
    expect(await storedVariant(base, GREETING, "user-2")).toBeUndefined();
    expect(await experiments.complete(GREETING, "user-2", 1)).toMatchObject({ rewarded: false });
  });

  test("enable and disable that fail resolve false and are reported", async () => {
    const { experiments, reported } = setup({ enable: "throw", disable: "reject" });
    expect(await experiments.enable(GREETING)).toBe(false);
    expect(await experiments.disable(GREETING)).toBe(false);
    expect(reported.map(({ operation }) => operation)).toEqual([
      'enable("greeting_experiment")',
      'disable("greeting_experiment")',
    ]);
    expect(await experiments.assign(GREETING, "user-2")).toMatchObject({ variant: "control", reason: "DISABLED" });
  });

  // One atomic store call now takes the assignment and adds the reward (it was takeAssignment, then reward).
  test.each(["throw", "reject"] as const)(
    "complete whose store call fails (%s): not rewarded, reported",
    async (mode) => {
      const { experiments, reported, errors, base } = setup({ complete: mode });
      await experiments.enable(GREETING);
      await experiments.assign(GREETING, "user-2");
      const result = await experiments.complete(GREETING, "user-2", 1);
      expect(result).toEqual({
        rewarded: false,
        message: 'complete("greeting_experiment", "user-2") failed: complete is down',
      });
      expect(reported).toEqual([
        { error: errors.get("complete"), operation: 'complete("greeting_experiment", "user-2")' },
      ]);
      expect(await storedVariant(base, GREETING, "user-2")).toBe("casual");
      expect(await statsOf(base, GREETING)).toEqual({ casual: arm(1) });
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
    await expect(experiments.flush()).resolves.toBeUndefined();
    await expect(experiments.complete(GREETING, "user-2", 1)).resolves.toMatchObject({ rewarded: false });
    await expect(resultsOf(experiments, GREETING)).resolves.toMatchObject({
      enabled: false,
      message: expect.stringContaining("failed"),
    });
    await expect(experiments.disable(GREETING)).resolves.toBe(false);
    expect(reported.length).toBeGreaterThan(0);
  });

  test("an onError that throws does not make a pick throw", async () => {
    const experiments = createExperiments(documents, {
      store: faultyStore({ isEnabled: "throw", readUnit: "reject" }).store,
      onError: () => {
        throw new Error("the logger is down too");
      },
    });
    await expect(experiments.assign(GREETING, "user-2")).resolves.toMatchObject({
      variant: "control",
      reason: "ERROR",
    });
    await expect(experiments.isEnabled(GREETING)).resolves.toBe(false);
  });

  test("without onError, failures are reported with console.warn", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const experiments = createExperiments(documents, { store: faultyStore({ readUnit: "throw" }).store });
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
    // A score of 1 always wins its Bernoulli draw.
    expect((await statsOf(store, GREETING)).casual).toEqual(arm(1, 1, 1, 1));
    // @ts-expect-error: not an experiment of the generated module
    expect(await experiments.assign("no-such-experiment", "user-2")).toMatchObject({ reason: "ERROR" });
    // @ts-expect-error: not a symbol of the generated module
    expect(await experiments.pick("user-2", "no-such-symbol")).toBeUndefined();
    expect(reported).toEqual([]);
  });
});
