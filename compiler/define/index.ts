/**
 * Definition helpers, imported by `definitions/` as `prosper/define`: an authoring library, not
 * a compiler stage. They are the one builder of every document; the compiler runs the
 * definition files, then checks and writes what these helpers built.
 */
export { experiment, type AlgorithmInput, type ExperimentDefinition, type ExperimentInput } from "./experiment.js";
export { feature, type BucketInput, type FeatureDefinition, type FeatureInput } from "./feature.js";
export { pyofFeature } from "./pyof-feature.js";
export {
  all,
  any,
  eq,
  gt,
  gte,
  lt,
  lte,
  ne,
  not,
  oneOf,
  regexMatch,
  type Attribute,
  type BooleanAttribute,
  type Classifier,
  type NumberAttribute,
  type RegexFlags,
  type StringAttribute,
} from "./classifiers.js";
export {
  contextBoolean,
  contextNumber,
  contextString,
  hostname,
  runtimeVersion,
  sessionRandom,
  staticNumber,
  staticString,
} from "./attributes.js";
export type { Widen } from "./widen.js";
