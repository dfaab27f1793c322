/**
 * The built-in learning algorithms, run end to end through `createExperiments` on a memory store:
 * each finds the best arm, UCB1 does not herd units assigned before their scores arrive, and
 * `results()` reports means, Wilson intervals and P(best) that are right and deterministic.
 */
import { createExperiments, memoryStore, type AlgorithmJson, type ExperimentStore } from "prosper-runtime";
import { results as resultsOf } from "prosper-runtime/results";
import { describe, expect, test } from "vitest";
import { mulberry32 } from "../support/bandit-simulation.js";
import { experimentDoc } from "../support/experiment-store.js";

const EXP = "exp";

const ARMS = ["low", "mid", "high"];
const MEANS = [0.1, 0.5, 0.9];

describe("each learning algorithm finds the best arm", () => {
  const algorithms: [string, AlgorithmJson][] = [
    ["epsilonGreedy(0.1)", { kind: "epsilonGreedy", epsilon: 0.1 }],
    ["ucb1", { kind: "ucb1" }],
    ["thompson", { kind: "thompson" }],
  ];

  test.each(algorithms)("%s: most of 3,000 seeded pulls go to the 0.9 arm", async (_label, algorithm) => {
    const outcome = mulberry32(12345);
    const experiments = createExperiments([experimentDoc(EXP, ARMS, algorithm)], {
      store: memoryStore(),
      random: mulberry32(678),
    });
    await experiments.enable(EXP);
    for (let step = 0; step < 3000; step++) {
      const unitId = `u${step}`;
      const { index, reason } = await experiments.assign(EXP, unitId);
      expect(reason).toBe("SPLIT");
      const score = outcome() < MEANS[index]! ? 1 : 0;
      expect((await experiments.complete(EXP, unitId, score)).rewarded).toBe(true);
    }
    const { variants } = await resultsOf(experiments, EXP);
    const pulls = variants.map((variant) => variant.assigned);
    expect(pulls.reduce((sum, n) => sum + n, 0)).toBe(3000);
    expect(variants.map((variant) => variant.completed)).toEqual(pulls);
    expect(pulls[2]).toBeGreaterThan(pulls[0]!);
    expect(pulls[2]).toBeGreaterThan(pulls[1]!);
    expect(pulls[2]).toBeGreaterThan(0.6 * 3000);
    // Every arm was tried, and the best arm's estimate is near its true mean.
    expect(Math.min(...pulls)).toBeGreaterThan(0);
    expect(variants[2]!.mean).toBeGreaterThan(0.85);
    expect(variants[2]!.mean).toBeLessThan(0.95);
  });
});

describe("UCB1 before any score arrives", () => {
  test("units assigned one after another spread evenly over the arms", async () => {
    const experiments = createExperiments([experimentDoc(EXP, ARMS, { kind: "ucb1" })], { store: memoryStore() });
    await experiments.enable(EXP);
    const got: string[] = [];
    for (let index = 0; index < 9; index++) got.push((await experiments.assign(EXP, `u${index}`)).variant);
    expect(ARMS.map((arm) => got.filter((variant) => variant === arm).length)).toEqual([3, 3, 3]);
    expect((await resultsOf(experiments, EXP)).variants.map((variant) => variant.assigned)).toEqual([3, 3, 3]);
  });

  test("units read in the same tick spread evenly over the arms", async () => {
    const experiments = createExperiments([experimentDoc(EXP, ARMS, { kind: "ucb1" })], { store: memoryStore() });
    await experiments.enable(EXP);
    const units = await Promise.all(Array.from({ length: 12 }, (_, index) => experiments.forUnit(`u${index}`)));
    const got = units.map((unit) => unit.pick(`${EXP}.value`));
    expect(ARMS.map((arm) => got.filter((variant) => variant === arm).length)).toEqual([4, 4, 4]);
    await experiments.flush();
    expect((await resultsOf(experiments, EXP)).variants.map((variant) => variant.assigned)).toEqual([4, 4, 4]);
  });

  test("two processes on one store, each assigning before any score, do not herd either", async () => {
    const store = memoryStore();
    const first = createExperiments([experimentDoc(EXP, ARMS, { kind: "ucb1" })], { store });
    const second = createExperiments([experimentDoc(EXP, ARMS, { kind: "ucb1" })], { store });
    await first.enable(EXP);
    for (let index = 0; index < 6; index++) {
      await first.assign(EXP, `a${index}`);
      await second.assign(EXP, `b${index}`);
    }
    const assigned = (await resultsOf(first, EXP)).variants.map((variant) => variant.assigned);
    expect(assigned.reduce((sum, n) => sum + n, 0)).toBe(12);
    // Each process spreads its own six evenly; together no arm is left out or gets most.
    for (const count of assigned) {
      expect(count).toBeGreaterThanOrEqual(2);
      expect(count).toBeLessThanOrEqual(6);
    }
  });
});

describe("results()", () => {
  /** Stores `scores` for `variant` straight into the store, as a process that completed them would have. */
  async function seed(store: ExperimentStore, variants: readonly string[], variant: string, scores: readonly number[]) {
    for (const [index, score] of scores.entries()) {
      const unitId = `${variant}-${index}`;
      await store.assign([{ experiment: EXP, unitId, variant, variants }]);
      await store.complete(EXP, unitId, { score, success: score === 1 ? 1 : 0 }, variants);
    }
  }
  const ones = (successes: number, total: number) =>
    Array.from({ length: total }, (_, index) => (index < successes ? 1 : 0));

  test("mean and the Wilson 95% interval: 7 of 10 is [0.3968, 0.8922]", async () => {
    const store = memoryStore();
    const variants = ["a", "b", "c"];
    const experiments = createExperiments([experimentDoc(EXP, variants, { kind: "ucb1" })], { store });
    await experiments.enable(EXP);
    await seed(store, variants, "a", ones(7, 10));
    await seed(store, variants, "b", [0.25, 0.75]);
    const results = await resultsOf(experiments, EXP);
    expect(results).toMatchObject({ experiment: EXP, algorithm: "ucb1", enabled: true });
    const [a, b, c] = results.variants;
    expect(a).toMatchObject({ variant: "a", assigned: 10, completed: 10 });
    expect(a!.mean).toBeCloseTo(0.7, 12);
    // By hand, z = 1.959964: centre (0.7 + z²/20) / (1 + z²/10) = 0.644490,
    // half-width z / (1 + z²/10) · sqrt(0.7 · 0.3 / 10 + z²/400) = 0.247716.
    expect(a!.interval![0]).toBeCloseTo(0.396774, 5);
    expect(a!.interval![1]).toBeCloseTo(0.892206, 5);
    // Scores between 0 and 1 average as they are.
    expect(b).toMatchObject({ variant: "b", assigned: 2, completed: 2, mean: 0.5 });
    expect(b!.interval![0]).toBeLessThan(0.5);
    expect(b!.interval![1]).toBeGreaterThan(0.5);
    // Nothing yet: no mean, no interval.
    expect(c).toEqual({ variant: "c", assigned: 0, completed: 0, mean: null, interval: null });
    // Only Thompson sampling reports P(best).
    expect(results.variants.some((variant) => "probabilityBest" in variant)).toBe(false);
  });

  test("the interval stays inside [0, 1] at the extremes", async () => {
    const store = memoryStore();
    const variants = ["none", "all"];
    const experiments = createExperiments([experimentDoc(EXP, variants, { kind: "thompson" })], { store });
    await experiments.enable(EXP);
    await seed(store, variants, "none", ones(0, 5));
    await seed(store, variants, "all", ones(5, 5));
    const [none, all] = (await resultsOf(experiments, EXP)).variants;
    expect(none!.mean).toBe(0);
    expect(none!.interval![0]).toBe(0);
    expect(none!.interval![1]).toBeGreaterThan(0);
    expect(all!.mean).toBe(1);
    expect(all!.interval![1]).toBe(1);
    expect(all!.interval![0]).toBeLessThan(1);
  });

  /** A Thompson experiment whose three variants have these successes out of `total` each. */
  async function thompsonWith(successes: readonly number[], total: number) {
    const variants = ["control", "second", "third"];
    const store = memoryStore();
    const experiments = createExperiments([experimentDoc(EXP, variants, { kind: "thompson" })], { store });
    await experiments.enable(EXP);
    for (const [index, variant] of variants.entries())
      await seed(store, variants, variant, ones(successes[index]!, total));
    return experiments;
  }

  test("P(best) sums to 1 and favours the clearly better arm", async () => {
    const results = await resultsOf(await thompsonWith([30, 70, 10], 100), EXP);
    const best = results.variants.map((variant) => variant.probabilityBest!);
    expect(best.every((p) => typeof p === "number" && p >= 0 && p <= 1)).toBe(true);
    expect(best.reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 9);
    expect(best[1]).toBeGreaterThan(0.99);
    expect(best[0]).toBeGreaterThanOrEqual(best[2]!);
  });

  test("the same statistics give the same figures", async () => {
    // Close arms, so that every figure is a fraction a different draw would change.
    const experiments = await thompsonWith([10, 12, 8], 20);
    const results = await resultsOf(experiments, EXP);
    const best = results.variants.map((variant) => variant.probabilityBest!);
    expect(best.every((p) => p > 0.01 && p < 0.99)).toBe(true);
    expect(best[1]).toBeGreaterThan(best[0]!);
    expect(best[0]).toBeGreaterThan(best[2]!);
    expect(best.reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 9);
    // Asked again, and by another client on another store with the same statistics.
    expect(await resultsOf(experiments, EXP)).toEqual(results);
    expect(await resultsOf(await thompsonWith([10, 12, 8], 20), EXP)).toEqual(results);
  });

  test("P(best) of two equal arms is about one half each", async () => {
    const store = memoryStore();
    const variants = ["a", "b"];
    const experiments = createExperiments([experimentDoc(EXP, variants, { kind: "thompson" })], { store });
    await experiments.enable(EXP);
    await seed(store, variants, "a", ones(20, 40));
    await seed(store, variants, "b", ones(20, 40));
    const [a, b] = (await resultsOf(experiments, EXP)).variants;
    expect(Math.abs(a!.probabilityBest! - 0.5)).toBeLessThan(0.02);
    expect(a!.probabilityBest! + b!.probabilityBest!).toBeCloseTo(1, 9);
  });
});
