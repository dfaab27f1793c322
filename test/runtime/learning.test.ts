/**
 * The learning experiments' store contract, as an application sees it through `createExperiments`:
 * statistics are keyed by variant name (so editing the definitions never moves one variant's counts
 * to another), scores outside [0, 1] store nothing, and only what a unit is actually served is
 * stored, with one store round trip per unit and one batched write per tick.
 */
import fc from "fast-check";
import {
  createExperiments,
  memoryStore,
  type AlgorithmJson,
  type Arm,
  type ExperimentStore,
  type ReportError,
} from "prosper-runtime";
import { results as resultsOf } from "prosper-runtime/results";
import { describe, expect, test, vi } from "vitest";
import {
  countingStore,
  experimentDoc,
  statsOf as statsIn,
  storedVariant as storedIn,
} from "../support/experiment-store.js";

const EXP = "exp";
const statsOf = (store: ExperimentStore, experiment = EXP) => statsIn(store, experiment);
const storedVariant = (store: ExperimentStore, unitId: string, experiment = EXP) => storedIn(store, unitId, experiment);

const units = (count: number, prefix = "u") => Array.from({ length: count }, (_, index) => `${prefix}${index}`);

describe("statistics are keyed by variant name across definition changes", () => {
  /** Two clients on one store: the old definitions and the new, of the same experiment (same name, same salt). */
  async function oldAndNew(
    oldVariants: string[],
    newVariants: string[],
    algorithm: AlgorithmJson = { kind: "random" },
  ) {
    const store = memoryStore();
    const onError = vi.fn<ReportError>();
    const random = () => 0.5;
    const before = createExperiments([experimentDoc(EXP, oldVariants, algorithm)], { store, onError, random });
    expect(await before.enable(EXP)).toBe(true);
    const after = () => createExperiments([experimentDoc(EXP, newVariants, algorithm)], { store, onError, random });
    return { store, onError, before, after };
  }

  /** Assigns `ids` with the old client; returns the variant each got. */
  async function assignAll(client: ReturnType<typeof createExperiments>, ids: readonly string[]) {
    const got = new Map<string, string>();
    for (const id of ids) {
      const assignment = await client.assign(EXP, id);
      expect(assignment.reason).toBe("SPLIT");
      got.set(id, assignment.variant);
    }
    return got;
  }

  test("reordering: b's scores stay b's, and a unit assigned b keeps b", async () => {
    const { store, onError, before, after } = await oldAndNew(["a", "b", "c"], ["c", "a", "b"]);
    const got = await assignAll(before, units(60));
    const onB = [...got].filter(([, variant]) => variant === "b").map(([id]) => id);
    expect(onB.length).toBeGreaterThanOrEqual(3);
    const [keeper, ...scored] = onB;
    // Every completed unit scores 1 on b and 0 elsewhere: b's mean is 1, everyone else's 0.
    for (const [id, variant] of got)
      if (id !== keeper) expect((await before.complete(EXP, id, variant === "b" ? 1 : 0)).rewarded).toBe(true);
    const stored = await statsOf(store);
    expect(stored["b"]).toEqual({
      assigned: onB.length,
      count: scored.length,
      sum: scored.length,
      successes: scored.length,
    });

    const reordered = after();
    const results = await resultsOf(reordered, EXP);
    expect(results.variants.map((variant) => variant.variant)).toEqual(["c", "a", "b"]);
    const b = results.variants[2]!;
    expect(b).toMatchObject({ variant: "b", assigned: onB.length, completed: scored.length, mean: 1 });
    for (const other of results.variants.slice(0, 2)) {
      expect(other.mean).toBe(0);
      expect(other.assigned).toBe([...got.values()].filter((variant) => variant === other.variant).length);
    }
    // The store's statistics did not move: still by name.
    expect(await statsOf(store)).toEqual(stored);

    // The unit assigned b before keeps b, at its new index, by every way of asking.
    const assignment = await reordered.assign(EXP, keeper!);
    expect(assignment).toMatchObject({ variant: "b", index: 2, reason: "SPLIT" });
    const unit = await reordered.forUnit(keeper!);
    expect(unit.pick(`${EXP}.value`)).toBe("b");
    expect(unit.assignment(EXP)).toMatchObject({ variant: "b", index: 2 });
    await reordered.flush();
    expect(await storedVariant(store, keeper!)).toBe("b");
    // Nothing new was counted for it, and completing it rewards b.
    expect((await statsOf(store))["b"]!.assigned).toBe(onB.length);
    expect(await reordered.complete(EXP, keeper!, 1)).toEqual({ rewarded: true, variant: "b" });
    expect((await statsOf(store))["b"]).toMatchObject({ count: scored.length + 1, sum: scored.length + 1 });
    expect(onError).not.toHaveBeenCalled();
  });

  test("reordering: a learning algorithm sees each variant's own statistics under the new order", async () => {
    const store = memoryStore();
    const seen: Arm[][] = [];
    let target = "b";
    const byName = {
      choose: (arms: readonly Arm[]) => {
        seen.push(arms.map((arm) => ({ ...arm })));
        return arms.findIndex((arm) => arm.name === target);
      },
    };
    const algorithm: AlgorithmJson = { kind: "custom", name: "byName" };
    const options = { store, algorithms: { byName }, random: () => 0 };
    const before = createExperiments([experimentDoc(EXP, ["a", "b", "c"], algorithm)], options);
    await before.enable(EXP);
    for (const id of ["b1", "b2", "b3"]) {
      expect((await before.assign(EXP, id)).variant).toBe("b");
      await before.complete(EXP, id, 1);
    }
    target = "a";
    expect((await before.assign(EXP, "a1")).variant).toBe("a");
    await before.complete(EXP, "a1", 0.25);

    const after = createExperiments([experimentDoc(EXP, ["c", "a", "b"], algorithm)], options);
    target = "c";
    expect(await after.assign(EXP, "new")).toMatchObject({ variant: "c", index: 0, reason: "SPLIT" });
    expect(seen.at(-1)).toEqual([
      { name: "c", assigned: 0, count: 0, sum: 0, successes: 0 },
      { name: "a", assigned: 1, count: 1, sum: 0.25, successes: 1 },
      { name: "b", assigned: 3, count: 3, sum: 3, successes: 3 },
    ]);
  });

  test("adding a variant: it starts at zero and is served", async () => {
    const { store, onError, before, after } = await oldAndNew(["a", "b"], ["a", "b", "d"]);
    for (const [id] of await assignAll(before, units(20, "old"))) await before.complete(EXP, id, 1);
    const storedBefore = await statsOf(store);
    expect(storedBefore["d"]).toBeUndefined();

    const added = after();
    const results = await resultsOf(added, EXP);
    expect(results.variants[2]).toEqual({ variant: "d", assigned: 0, completed: 0, mean: null, interval: null });
    expect(results.variants.slice(0, 2).map((variant) => variant.completed)).toEqual([
      storedBefore["a"]!.count,
      storedBefore["b"]!.count,
    ]);

    const got = await assignAll(added, units(60, "new"));
    const onD = [...got].filter(([, variant]) => variant === "d").map(([id]) => id);
    expect(onD.length).toBeGreaterThan(0);
    expect((await statsOf(store))["d"]).toEqual({ assigned: onD.length, count: 0, sum: 0, successes: 0 });
    const unit = await added.forUnit(onD[0]!);
    expect(unit.pick(`${EXP}.value`)).toBe("d");
    expect(await added.complete(EXP, onD[0]!, 1)).toEqual({ rewarded: true, variant: "d" });
    expect((await statsOf(store))["d"]).toMatchObject({ count: 1, sum: 1 });
    expect(onError).not.toHaveBeenCalled();
  });

  test("adding a variant to UCB1: the untried variant is served next", async () => {
    const { before, after } = await oldAndNew(["a", "b"], ["a", "b", "d"], { kind: "ucb1" });
    for (const [id] of await assignAll(before, units(6, "old"))) await before.complete(EXP, id, 1);
    const added = after();
    expect(await added.assign(EXP, "next")).toMatchObject({ variant: "d", index: 2, reason: "SPLIT" });
  });

  test("removing a variant: never served again; its units are reassigned; completing them rewards nothing", async () => {
    const { store, onError, before, after } = await oldAndNew(["a", "b", "c"], ["a", "b"]);
    const got = await assignAll(before, units(60));
    const onC = [...got].filter(([, variant]) => variant === "c").map(([id]) => id);
    expect(onC.length).toBeGreaterThanOrEqual(3);
    const [reassigned, stale, ...scored] = onC;
    // c scores 1 and the rest 0, so that any of c's statistics credited to another variant would show.
    for (const [id, variant] of got) if (variant !== "c") await before.complete(EXP, id, 0);
    for (const id of scored) await before.complete(EXP, id, 1);
    const storedBefore = await statsOf(store);

    const removed = after();
    const exposures: unknown[] = [];
    const withExposures = createExperiments([experimentDoc(EXP, ["a", "b"])], {
      store,
      onExposure: (exposure) => exposures.push(exposure),
    });
    expect((await resultsOf(removed, EXP)).variants.map((variant) => variant.variant)).toEqual(["a", "b"]);

    // The unit on c is reassigned to a current variant on its next pick, and the store's assignment replaced.
    const unit = await withExposures.forUnit(reassigned!);
    const value = unit.pick(`${EXP}.value`);
    expect(["a", "b"]).toContain(value);
    expect(unit.assignment(EXP)).toMatchObject({ variant: value, reason: "SPLIT" });
    await withExposures.flush();
    expect(await storedVariant(store, reassigned!)).toBe(value);
    expect(exposures).toEqual([{ experiment: EXP, variant: value, unitId: reassigned }]);
    const afterReassign = await statsOf(store);
    expect(afterReassign[value as string]!.assigned).toBe(storedBefore[value as string]!.assigned + 1);
    expect(afterReassign["c"]).toEqual(storedBefore["c"]);
    // It stays reassigned: a later pick neither changes nor counts it again.
    expect((await removed.assign(EXP, reassigned!)).variant).toBe(value);
    expect(await statsOf(store)).toEqual(afterReassign);

    // Completing a unit still holding c rewards nothing: not c, not anyone.
    const completed = await removed.complete(EXP, stale!, 1);
    expect(completed.rewarded).toBe(false);
    expect(completed.message).toMatch(/no longer has/);
    expect(await statsOf(store)).toEqual(afterReassign);

    // c is never served again, to new units or to units the old client had put on it.
    const fresh = await assignAll(removed, [...units(200, "fresh"), ...scored]);
    expect([...fresh.values()]).not.toContain("c");
    expect(new Set(fresh.values())).toEqual(new Set(["a", "b"]));
    const finalStats = await statsOf(store);
    expect(finalStats["c"]).toEqual(storedBefore["c"]);
    expect(onError).not.toHaveBeenCalled();
  });

  test("renaming a variant is removing one and adding another: nothing carries over", async () => {
    const { store, before, after } = await oldAndNew(["control", "blue"], ["control", "azure"]);
    const got = await assignAll(before, units(40));
    const onBlue = [...got].filter(([, variant]) => variant === "blue").map(([id]) => id);
    expect(onBlue.length).toBeGreaterThanOrEqual(3);
    const [moved, stale, ...scored] = onBlue;
    for (const id of scored) await before.complete(EXP, id, 1);
    const storedBefore = await statsOf(store);

    const renamed = after();
    const results = await resultsOf(renamed, EXP);
    expect(results.variants[1]).toEqual({ variant: "azure", assigned: 0, completed: 0, mean: null, interval: null });
    expect(results.variants.map((variant) => variant.variant)).toEqual(["control", "azure"]);

    const unit = await renamed.forUnit(moved!);
    expect(["control", "azure"]).toContain(unit.pick(`${EXP}.value`));
    await renamed.flush();
    expect(["control", "azure"]).toContain(await storedVariant(store, moved!));

    expect((await renamed.complete(EXP, stale!, 1)).rewarded).toBe(false);
    const stats = await statsOf(store);
    expect(stats["blue"]).toEqual(storedBefore["blue"]);
    expect(stats["azure"]?.count ?? 0).toBe(0);
    expect(stats["azure"]?.sum ?? 0).toBe(0);
  });
});

describe("scores outside [0, 1] are rejected and store nothing", () => {
  async function assignedUnit(onError: ReportError) {
    const store = memoryStore();
    const experiments = createExperiments([experimentDoc(EXP, ["a", "b"])], { store, onError, random: () => 0.5 });
    await experiments.enable(EXP);
    const { variant } = await experiments.assign(EXP, "u");
    return { store, experiments, variant };
  }

  const invalid: unknown[] = [
    -0.1,
    -1,
    1.0000001,
    1 + Number.EPSILON,
    2,
    -Number.MIN_VALUE,
    NaN,
    Infinity,
    -Infinity,
    "0.5",
    "1",
    "",
    null,
    undefined,
    true,
    {},
    [0.5],
    new Number(0.5),
    10n,
  ];

  test.each(invalid.map((score) => [score]))("%s is rejected, reported, and stores nothing", async (score) => {
    const onError = vi.fn<ReportError>();
    const { store, experiments, variant } = await assignedUnit(onError);
    const before = await statsOf(store);
    const result = await experiments.complete(EXP, "u", score as number);
    expect(result.rewarded).toBe(false);
    expect(result.message).toMatch(/score must be a finite number in \[0, 1\]/);
    expect(onError).toHaveBeenCalledTimes(1);
    const [error, where] = onError.mock.calls[0]!;
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toMatch(/score/);
    expect(where).toMatch(/complete/);
    expect(await statsOf(store)).toEqual(before);
    // The assignment is still there, so a later valid completion works.
    expect(await storedVariant(store, "u")).toBe(variant);
    expect(await experiments.complete(EXP, "u", 0.5)).toEqual({ rewarded: true, variant });
    expect((await statsOf(store))[variant]).toMatchObject({ count: 1, sum: 0.5 });
  });

  test.each([[0], [-0], [1], [0.5], [Number.MIN_VALUE], [1 - Number.EPSILON / 2]])(
    "%s is a valid score",
    async (score) => {
      const onError = vi.fn<ReportError>();
      const { store, experiments, variant } = await assignedUnit(onError);
      expect(await experiments.complete(EXP, "u", score)).toEqual({ rewarded: true, variant });
      const arm = (await statsOf(store))[variant]!;
      expect(arm.count).toBe(1);
      expect(arm.sum === score).toBe(true);
      expect(onError).not.toHaveBeenCalled();
    },
  );

  test("the success draw is random() < score", async () => {
    const store = memoryStore();
    const experiments = createExperiments([experimentDoc(EXP, ["a"])], { store, random: () => 0.5 });
    await experiments.enable(EXP);
    for (const [id, score] of [
      ["u1", 0.6],
      ["u2", 0.4],
      ["u3", 0.5],
      ["u4", 1],
      ["u5", 0],
    ] as const) {
      await experiments.assign(EXP, id);
      expect((await experiments.complete(EXP, id, score)).rewarded).toBe(true);
    }
    // 0.5 < 0.6 and 0.5 < 1 win; 0.4, 0.5 and 0 do not.
    expect((await statsOf(store))["a"]).toEqual({ assigned: 5, count: 5, sum: 2.5, successes: 2 });
  });

  test("property: any value is stored iff it is a number in [0, 1]", async () => {
    const scores = fc.oneof(
      fc.anything(),
      fc.double(),
      fc.double({ min: -0.001, max: 1.001 }),
      fc.constantFrom(0, -0, 1, 1.0000001, -Number.MIN_VALUE, NaN, Infinity, -Infinity, "0.5", 0.5),
    );
    await fc.assert(
      fc.asyncProperty(scores, async (score) => {
        const onError = vi.fn<ReportError>();
        const { store, experiments, variant } = await assignedUnit(onError);
        const valid = typeof score === "number" && score >= 0 && score <= 1;
        const result = await experiments.complete(EXP, "u", score as number);
        const arm = (await statsOf(store))[variant]!;
        expect(result.rewarded).toBe(valid);
        if (valid) {
          expect(arm).toMatchObject({ assigned: 1, count: 1 });
          expect(arm.sum === score).toBe(true);
          expect(onError).not.toHaveBeenCalled();
          expect(await storedVariant(store, "u")).toBeUndefined();
        } else {
          expect(arm).toEqual({ assigned: 1, count: 0, sum: 0, successes: 0 });
          expect(result.message).toMatch(/score/);
          expect(onError).toHaveBeenCalledTimes(1);
          expect(await storedVariant(store, "u")).toBe(variant);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("only what is seen is counted", () => {
  /** `count` experiments, every third one learning, all enabled on a counting store. */
  async function many(count: number) {
    const counting = countingStore();
    const algorithms: AlgorithmJson[] = [{ kind: "random" }, { kind: "ucb1" }, { kind: "thompson" }];
    const names = Array.from({ length: count }, (_, index) => `exp${index}`);
    const onExposure = vi.fn();
    const experiments = createExperiments(
      names.map((name, index) => experimentDoc(name, ["control", "x", "y"], algorithms[index % 3])),
      { store: counting.store, onExposure },
    );
    for (const name of names) expect(await experiments.enable(name)).toBe(true);
    counting.reset();
    return { ...counting, names, experiments, onExposure };
  }

  test("picking one experiment of six stores (and counts) that one only", async () => {
    const { base, names, experiments, onExposure } = await many(6);
    const unit = await experiments.forUnit("u");
    const picked = unit.pick("exp2.value");
    unit.pick("exp2.value");
    await experiments.flush();
    const stats = await base.readStats(names);
    const read = await base.readUnit("u", names, []);
    names.forEach((name, index) => {
      const assigned = Object.values(stats[index]!).reduce((sum, arm) => sum + arm.assigned, 0);
      expect(assigned, name).toBe(name === "exp2" ? 1 : 0);
      expect(read.experiments[index]!.variant, name).toBe(name === "exp2" ? picked : undefined);
    });
    expect(stats[2]).toEqual({ [picked as string]: { assigned: 1, count: 0, sum: 0, successes: 0 } });
    expect(onExposure).toHaveBeenCalledTimes(1);
  });

  test("a unit for which nothing is picked stores nothing", async () => {
    const { base, names, experiments, calls, onExposure } = await many(6);
    const unit = await experiments.forUnit("idle");
    expect(unit.unitId).toBe("idle");
    await experiments.flush();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(calls.map((call) => call.method)).toEqual(["readUnit"]);
    expect(await base.readStats(names)).toEqual(names.map(() => ({})));
    expect((await base.readUnit("idle", names, [])).experiments.every((state) => state.variant === undefined)).toBe(
      true,
    );
    expect(onExposure).not.toHaveBeenCalled();
  });

  test.each([[1], [5], [50]])(
    "with %i experiments: forUnit is one readUnit, N picks in a tick one assign",
    async (count) => {
      const { names, experiments, calls, of } = await many(count);
      const unit = await experiments.forUnit("u");
      expect(calls.map((call) => call.method)).toEqual(["readUnit"]);
      expect(of("readUnit")[0]!.args.slice(0, 2)).toEqual(["u", names]);

      for (const name of names) unit.pick(`${name}.value`);
      await experiments.flush();
      expect(calls.map((call) => call.method)).toEqual(["readUnit", "assign"]);
      const requests = of("assign")[0]!.args[0] as { experiment: string; unitId: string }[];
      expect(requests.map((request) => request.experiment)).toEqual(names);
      expect(requests.every((request) => request.unitId === "u")).toBe(true);

      // Picking them again, or through assignment(), writes nothing more.
      for (const name of names) unit.assignment(name as never);
      for (const name of names) unit.pick(`${name}.value`);
      await experiments.flush();
      expect(calls.map((call) => call.method)).toEqual(["readUnit", "assign"]);
    },
  );

  test("picks by several units in one tick go to the store as one assign", async () => {
    const { names, experiments, calls, of } = await many(5);
    const ids = units(4);
    const picks = await Promise.all(ids.map((id) => experiments.forUnit(id)));
    expect(of("readUnit")).toHaveLength(4);
    expect(calls).toHaveLength(4);
    for (const unit of picks) for (const name of names) unit.pick(`${name}.value`);
    await experiments.flush();
    expect(of("assign")).toHaveLength(1);
    expect(of("assign")[0]!.args[0]).toHaveLength(ids.length * names.length);
  });
});
