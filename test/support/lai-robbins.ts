/**
 * The Lai–Robbins lower bound for Bernoulli bandits: any consistent policy's expected regret after
 * T pulls grows at least like c·ln T, with c = Σ over the suboptimal arms of Δᵢ / kl(μᵢ, μ*).
 * A policy "at 1.0× the bound" is asymptotically optimal; the bench reports regret against it.
 */

/** The Kullback–Leibler divergence of Bernoulli(q) from Bernoulli(p), in nats. */
export function bernoulliKl(p: number, q: number): number {
  // 0·ln 0 is 0: the terms vanish at the ends instead of giving NaN.
  const term = (x: number, y: number) => (x === 0 ? 0 : x * Math.log(x / y));
  return term(p, q) + term(1 - p, 1 - q);
}

/** The constant c of the bound c·ln T for arms with these success probabilities. */
export function laiRobbinsConstant(means: readonly number[]): number {
  const best = Math.max(...means);
  // An arm as good as the best costs no regret, whatever its KL (which is 0 there).
  return means.reduce((sum, mean) => (mean < best ? sum + (best - mean) / bernoulliKl(mean, best) : sum), 0);
}

/** The bound c·ln T itself: the least expected regret after `horizon` pulls, asymptotically. */
export function laiRobbinsBound(means: readonly number[], horizon: number): number {
  return laiRobbinsConstant(means) * Math.log(horizon);
}
