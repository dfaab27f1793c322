/**
 * The experiments engine the generated module runs: `experimentsOf(tables, options)` over the
 * compiled experiment tables, with the learning algorithms as separate values, so that an
 * application ships only the algorithms its definitions use. No document reader: the compiler
 * checked the tables.
 */
export {
  experimentsOf,
  type Assignment,
  type CompleteResult,
  type ExperimentOptions,
  type ExperimentTable,
  type ExperimentTypes,
  type Experiments,
  type Exposure,
  type SymbolName,
  type SymbolValue,
  type UnitPicks,
} from "./experiments/engine.js";
export { custom, epsilonGreedy, ucb1, type Algorithm, type Arm, type Learner } from "./experiments/algorithms.js";
export { thompson } from "./experiments/thompson.js";
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
export type { ReportError } from "./options.js";
export type { Reason } from "./reason.js";
export type { JsonValue } from "./format.js";
