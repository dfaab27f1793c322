import { createExperiments, type Algorithm, type Arm } from "prosper-runtime";

/**
 * One simulated bandit run, driven through the path an application takes: a new unit each step,
 * `forUnit` then `pick` (which assigns it), a Bernoulli reward drawn from the chosen arm's mean,
 * then `complete`. Shared by the bandit bench (test/bench/bandits.ts) and its seeded test.
 */

/** The algorithms the bench compares, by the name its table shows. */
export const BENCH_ALGORITHMS = {
  uniform: { kind: "random" },
  "seed-rule": { kind: "custom", name: "seed-rule" },
  "epsilon-greedy(0.1)": { kind: "epsilonGreedy", epsilon: 0.1 },
  ucb1: { kind: "ucb1" },
  thompson: { kind: "thompson" },
  // Not the runtime's: a textbook Thompson sampler in this file, to tell the algorithm's own
  // behaviour (lock-ins on close arms, say) from the runtime's.
  "thompson-textbook": null,
} as const;

export type BenchAlgorithm = keyof typeof BENCH_ALGORITHMS;

const LN_STEP = Math.log(1.1);

/**
 * The seed README's rule as a custom algorithm: weights start equal, each reward multiplies the
 * chosen arm's weight by 1 + 0.1·score, and the weights are normalised. For 0/1 scores (the
 * bench's Bernoulli arms) the product of those factors is 1.1^(sum of scores), so an arm's weight
 * is ∝ 1.1^sum whatever the order of the rewards; that is what this samples from. (For fractional
 * scores the rule's weight would be ∏(1 + 0.1·score), which no arm statistic records.) Computed
 * in log space: 1.1^sum overflows a double past sum ≈ 7,400.
 */
export const seedRule: Algorithm = {
  choose(arms: readonly Arm[], random: () => number): number {
    const logs = arms.map((arm) => arm.sum * LN_STEP);
    const top = Math.max(...logs);
    const weights = logs.map((log) => Math.exp(log - top));
    let point = random() * weights.reduce((sum, weight) => sum + weight, 0);
    for (let index = 0; index < weights.length; index++) {
      point -= weights[index]!;
      if (point < 0) return index;
    }
    return weights.length - 1;
  },
};

/** mulberry32: a small, fast PRNG of numbers uniform in [0, 1), plenty for a simulation. */
export function mulberry32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A 32-bit seed mixed from small integers (murmur3's finaliser per part), so that runs 1 and 2
 * get unrelated streams rather than mulberry32 states a few increments apart.
 */
export function seedOf(...parts: readonly number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h = Math.imul(h ^ (part | 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/**
 * About `count` step numbers in [1, horizon], log-spaced (distinct after rounding, so fewer are
 * packed at the start), always ending at `horizon`: where the regret curve is sampled.
 */
export function checkpoints(horizon: number, count = 200): number[] {
  let points: number[] = [];
  for (let n = count; points.length < Math.min(count, horizon) && n < 50 * count; n += 10) {
    const set = new Set<number>();
    for (let i = 0; i < n; i++) set.add(Math.round(horizon ** (i / (n - 1))));
    points = [...set].sort((a, b) => a - b);
  }
  return points;
}

/** The share of the horizon, at its end, over which `finalPulls` counts where a run ended up. */
export const FINAL_WINDOW = 0.1;

export interface RunInput {
  readonly algorithm: BenchAlgorithm;
  /** The arms' success probabilities. */
  readonly means: readonly number[];
  readonly horizon: number;
  /** Seeds the rewards, the runtime's `random` and the experiment's salt: same seed, same run. */
  readonly seed: number;
  /** Step numbers (1-based, ascending) after which to record cumulative regret. */
  readonly checkpoints?: readonly number[];
}

export interface RunResult {
  /** Pulls per arm over the whole run. */
  readonly pulls: readonly number[];
  /** Pulls per arm over the last FINAL_WINDOW (10%) of the horizon: where the run ended up. */
  readonly finalPulls: readonly number[];
  /** Cumulative pseudo-regret Σₜ (μ* − μ_chosen): the expected loss, without the reward noise. */
  readonly regret: number;
  /** Cumulative pseudo-regret after each of `checkpoints`. */
  readonly curve: readonly number[];
}

type BanditTypes = { bandit: { variant: string; symbols: { arm: number } } };

/** Runs one seeded simulation; throws if the runtime served anything but the algorithm's choice. */
export async function simulateRun(input: RunInput): Promise<RunResult> {
  const { algorithm, means, horizon, seed } = input;
  const runtimeAlgorithm = BENCH_ALGORITHMS[algorithm];
  if (!runtimeAlgorithm) return textbookThompson(input);
  const errors: string[] = [];
  const document = {
    formatVersion: 1,
    kind: "experiment",
    name: "bandit",
    salt: `bandit-${seed}`,
    algorithm: runtimeAlgorithm,
    variants: means.map((_, index) => ({ name: `arm${index}`, symbols: { arm: index } })),
  };
  const experiments = createExperiments<BanditTypes>([document], {
    algorithms: { "seed-rule": seedRule },
    random: mulberry32(seedOf(seed, 1)),
    onError: (error, where) => errors.push(`${where}: ${String(error)}`),
  });
  const failed = () => new Error(`${algorithm} run ${seed}: the runtime reported ${errors.join("; ")}`);
  if (!(await experiments.enable("bandit")) || errors.length) throw failed();

  const environment = mulberry32(seedOf(seed, 2));
  const tally = tallyOf(input);
  for (let t = 0; t < horizon; t++) {
    const unitId = `r${seed}-${t}`;
    const picks = await experiments.forUnit(unitId);
    const arm = picks.pick("arm");
    const { reason } = picks.assignment("bandit");
    if (reason !== "SPLIT" || errors.length || !(arm >= 0 && arm < means.length)) {
      throw new Error(
        `${algorithm} run ${seed}, step ${t}: served arm ${arm} with reason ${reason}; ${errors.join("; ")}`,
      );
    }
    const score = environment() < means[arm]! ? 1 : 0;
    const completed = await experiments.complete("bandit", unitId, score);
    if (!completed.rewarded) throw new Error(`${algorithm} run ${seed}, step ${t}: not rewarded: ${completed.message}`);
    tally.pull(t, arm);
  }
  if (errors.length) throw failed();
  return tally.result();
}

/** Counts a run's pulls and its regret curve. */
function tallyOf({ means, horizon, checkpoints = [] }: RunInput) {
  const best = Math.max(...means);
  const gaps = means.map((mean) => best - mean);
  const pulls = means.map(() => 0);
  const finalPulls = means.map(() => 0);
  const finalFrom = horizon - Math.floor(horizon * FINAL_WINDOW);
  const curve: number[] = [];
  let regret = 0;
  let next = 0;
  return {
    pull: (t: number, arm: number) => {
      pulls[arm]!++;
      if (t >= finalFrom) finalPulls[arm]!++;
      regret += gaps[arm]!;
      while (checkpoints[next] === t + 1) {
        curve.push(regret);
        next++;
      }
    },
    result: (): RunResult => ({ pulls, finalPulls, regret, curve }),
  };
}

/**
 * Thompson sampling as textbooks write it (Beta(1, 1) priors, 0/1 rewards), in a plain loop with
 * its own Gamma sampler and no runtime: the same rewards as the runtime's runs of the same seed.
 */
function textbookThompson(input: RunInput): RunResult {
  const { means, horizon, seed } = input;
  const environment = mulberry32(seedOf(seed, 2));
  const random = mulberry32(seedOf(seed, 3));
  const gamma = (shape: number): number => {
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      const v = (1 + c * x) ** 3;
      if (v > 0 && Math.log(1 - random()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
    }
  };
  const successes = means.map(() => 0);
  const failures = means.map(() => 0);
  const tally = tallyOf(input);
  for (let t = 0; t < horizon; t++) {
    let arm = 0;
    let top = -1;
    for (let index = 0; index < means.length; index++) {
      const x = gamma(1 + successes[index]!);
      const draw = x / (x + gamma(1 + failures[index]!));
      if (draw > top) [top, arm] = [draw, index];
    }
    if (environment() < means[arm]!) successes[arm]!++;
    else failures[arm]!++;
    tally.pull(t, arm);
  }
  return tally.result();
}
