/**
 * Experiment results: `results(experiments, "pricing")` gives, per variant, assignments,
 * completions, the mean score with a 95% Wilson interval, and P(best) for Thompson sampling.
 * Its own entry, so that serving variants does not ship the statistics.
 */
export { results, wilsonInterval, type ExperimentResults, type VariantResults } from "./experiments/results.js";
