/**
 * The prosper runtime: evaluates compiled features and runs experiments. No dependencies, no
 * I/O of its own beyond the store it is given, and it never throws into application code.
 */
export {
  createFeatures,
  type Feature,
  type FeatureOptions,
  type FeatureTypes,
  type Features,
} from "./features/create-features.js";
export type { FeatureEvaluation } from "./features/compile-feature.js";
export type { EvaluationContext } from "./features/compile-classifier.js";
export { createExperiments, experimentTable } from "./experiments/create-experiments.js";
export {
  experimentsOf,
  type Assignment,
  type CompleteResult,
  type ExperimentOptions,
  type ExperimentTable,
  type Exposure,
  type ExperimentTypes,
  type Experiments,
  type SymbolName,
  type SymbolValue,
  type UnitPicks,
} from "./experiments/engine.js";
export {
  memoryStore,
  type ArmStats,
  type AssignRequest,
  type AssignResult,
  type ExperimentStats,
  type ExperimentStore,
  type Reward,
  type UnitExperimentState,
  type UnitRead,
} from "./experiments/store.js";
export {
  custom,
  epsilonGreedy,
  ucb1,
  variantByWeight,
  type Algorithm,
  type Arm,
  type Learner,
} from "./experiments/algorithms.js";
export { thompson } from "./experiments/thompson.js";
export { results, type ExperimentResults, type VariantResults } from "./experiments/results.js";
export { DEFAULT_STATS_REFRESH_MS } from "./experiments/stats-cache.js";
export { DEFAULT_STORE_TIMEOUT_MS } from "./experiments/bounded-store.js";
export { readExperiment, readFeature, type ReadResult } from "./read-document.js";
export { MAX_DEPTH, type DocumentPath, type DocumentProblem } from "./read-json.js";
export { MAX_UNIT_ID_LENGTH, type ReportError } from "./options.js";
export { murmur3, unitFraction } from "./murmur3.js";
export type { Environment } from "./environment.js";
export type { Reason } from "./reason.js";
export * from "./format.js";
