import { describe, expect, it } from "vitest";
import {
  checkpoints,
  seedRule,
  simulateRun,
  type BenchAlgorithm,
  type RunResult,
} from "../support/bandit-simulation.js";
import { bernoulliKl, laiRobbinsBound, laiRobbinsConstant } from "../support/lai-robbins.js";

describe("Lai–Robbins bound", () => {
  // By hand: kl(p, q) = p ln(p/q) + (1 − p) ln((1 − p)/(1 − q)).
  it("computes Bernoulli KL", () => {
    // 0.04 ln(2/3) + 0.96 ln(0.96/0.94) = −0.0162186 + 0.0202113
    expect(bernoulliKl(0.04, 0.06)).toBeCloseTo(0.0039927, 6);
    // 0.05 ln(5/6) + 0.95 ln(0.95/0.94) = −0.0091161 + 0.0100530
    expect(bernoulliKl(0.05, 0.06)).toBeCloseTo(0.00093693, 7);
    // 0.1 ln(1/3) + 0.9 ln(9/7) = −0.1098612 + 0.2261830
    expect(bernoulliKl(0.1, 0.3)).toBeCloseTo(0.1163218, 6);
    expect(bernoulliKl(0.2, 0.3)).toBeCloseTo(0.0257321, 6);
    expect(bernoulliKl(0.3, 0.3)).toBe(0);
    // 0 ln 0 counts as 0: kl(0, ½) = ln 2.
    expect(bernoulliKl(0, 0.5)).toBeCloseTo(Math.LN2, 12);
  });

  it("sums Δᵢ / kl(μᵢ, μ*) over the suboptimal arms", () => {
    // 0.02 / 0.0039927 + 0.01 / 0.00093693 = 5.0092 + 10.6732
    expect(laiRobbinsConstant([0.04, 0.05, 0.06])).toBeCloseTo(15.682, 2);
    // 0.2 / 0.1163218 + 0.1 / 0.0257321 = 1.7194 + 3.8862
    expect(laiRobbinsConstant([0.1, 0.2, 0.3])).toBeCloseTo(5.6056, 3);
    // Arm order does not matter, and a tie for best costs nothing.
    expect(laiRobbinsConstant([0.3, 0.1, 0.2])).toBeCloseTo(5.6056, 3);
    expect(laiRobbinsConstant([0.3, 0.3])).toBe(0);
    expect(laiRobbinsBound([0.1, 0.2, 0.3], 1e4)).toBeCloseTo(5.6055666 * Math.log(1e4), 4);
  });
});

describe("sampling points of the regret curve", () => {
  it("gives about 200 distinct ascending steps ending at the horizon", () => {
    for (const horizon of [2_000, 1e4, 1e5]) {
      const points = checkpoints(horizon);
      expect(points.length).toBeGreaterThanOrEqual(200);
      expect(points.length).toBeLessThan(220);
      expect(points[0]).toBe(1);
      expect(points.at(-1)).toBe(horizon);
      expect(points.every((t, i) => i === 0 || t > points[i - 1]!)).toBe(true);
    }
  });
});

describe("the seed rule as a custom algorithm", () => {
  const arms = (sums: number[]) =>
    sums.map((sum, index) => ({ name: `arm${index}`, assigned: 0, count: 0, sum, successes: sum }));

  it("samples an arm with probability ∝ 1.1^sum, without overflowing", () => {
    // Weights 1 : 1.1 : 1.21 → thresholds at 1/3.31 and 2.1/3.31 of the way.
    expect(seedRule.choose(arms([0, 1, 2]), () => 0.3)).toBe(0);
    expect(seedRule.choose(arms([0, 1, 2]), () => 0.31)).toBe(1);
    expect(seedRule.choose(arms([0, 1, 2]), () => 0.64)).toBe(2);
    // 1.1^10000 is Infinity as a double; relative weights still work.
    expect(seedRule.choose(arms([10_000, 10_001]), () => 0.47)).toBe(0);
    expect(seedRule.choose(arms([10_000, 10_001]), () => 0.48)).toBe(1);
  });
});

/**
 * A correctness check of the learning algorithms through the application's path, not a timing:
 * seeded, so the numbers are the same on every run. The full comparison is `npm run bench -- bandits`.
 */
describe("seeded bandit simulation", () => {
  const means = [0.1, 0.2, 0.3];
  const horizon = 2_000;
  const seeds = [1, 2, 3, 4, 5];
  const run = (algorithm: BenchAlgorithm) =>
    Promise.all(seeds.map((seed) => simulateRun({ algorithm, means, horizon, seed })));
  const meanRegret = (runs: readonly RunResult[]) => runs.reduce((sum, r) => sum + r.regret, 0) / runs.length;

  it("is deterministic", async () => {
    const [first, second] = await Promise.all([
      simulateRun({ algorithm: "thompson", means, horizon: 300, seed: 7 }),
      simulateRun({ algorithm: "thompson", means, horizon: 300, seed: 7 }),
    ]);
    expect(second).toEqual(first);
  });

  it("Thompson sampling clearly beats uniform allocation and pulls the best arm most", async () => {
    const [uniform, thompson] = await Promise.all([run("uniform"), run("thompson")]);
    // Uniform's expected regret is T · mean gap = 2,000 · 0.1 = 200.
    expect(meanRegret(uniform)).toBeGreaterThan(150);
    expect(meanRegret(thompson)).toBeLessThan(0.5 * meanRegret(uniform));
    for (const { pulls } of thompson) expect(Math.max(...pulls)).toBe(pulls[2]);
  });

  it("runs the seed rule through the custom-algorithm path", async () => {
    const runs = await run("seed-rule");
    for (const { pulls } of runs) expect(pulls.reduce((sum, n) => sum + n, 0)).toBe(horizon);
    // 1.1^sum is not uniform: some arm runs away from the others.
    expect(runs.some(({ pulls }) => Math.max(...pulls) > 0.6 * horizon)).toBe(true);
  });
});
