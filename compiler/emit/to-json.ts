import {
  FORMAT_VERSION,
  type AttributeJson,
  type ClassifierJson,
  type ClassifierKind,
  type ExperimentJson,
  type FeatureJson,
} from "prosper/runtime";
import type { LoadedAttribute, LoadedClassifier, LoadedExperiment, LoadedFeature } from "../load/model.js";

/** The document the runtime reads for an experiment; keys in a fixed order, so output is stable. */
export function experimentJson(experiment: LoadedExperiment): ExperimentJson {
  return {
    formatVersion: FORMAT_VERSION,
    kind: "experiment",
    name: experiment.name,
    ...(experiment.description === undefined ? {} : { description: experiment.description }),
    salt: experiment.salt,
    algorithm: experiment.algorithm,
    variants: experiment.variants.map((variant) => ({
      name: variant.name,
      symbols: Object.fromEntries(variant.symbols.map((symbol) => [symbol.name, symbol.value])),
    })),
  };
}

export function featureJson(feature: LoadedFeature): FeatureJson {
  return {
    formatVersion: FORMAT_VERSION,
    kind: "feature",
    name: feature.name,
    ...(feature.description === undefined ? {} : { description: feature.description }),
    ...(feature.runtimes === undefined ? {} : { runtimes: feature.runtimes }),
    buckets: feature.buckets.map((bucket) => ({
      name: bucket.name,
      classifier: classifierJson(bucket.classifier),
      value: bucket.value,
    })),
    default: feature.default,
  };
}

/** The attribute without its span; `type` stays only where the format has it, on context values. */
export function attributeJson({ span: _span, type, ...attribute }: LoadedAttribute): AttributeJson {
  return (attribute.kind === "context" ? { ...attribute, type } : attribute) as AttributeJson;
}

const classifierConverters: {
  readonly [K in ClassifierKind]: (node: Extract<LoadedClassifier, { kind: K }>) => ClassifierJson;
} = {
  all: ({ of }) => ({ kind: "all", of: of.map(classifierJson) }),
  any: ({ of }) => ({ kind: "any", of: of.map(classifierJson) }),
  not: ({ of }) => ({ kind: "not", of: classifierJson(of) }),
  // The check stage has rejected non-numbers in orderings before anything is emitted.
  lt: ({ attribute, value }) => ({ kind: "lt", attribute: attributeJson(attribute), value: value as number }),
  lte: ({ attribute, value }) => ({ kind: "lte", attribute: attributeJson(attribute), value: value as number }),
  gt: ({ attribute, value }) => ({ kind: "gt", attribute: attributeJson(attribute), value: value as number }),
  gte: ({ attribute, value }) => ({ kind: "gte", attribute: attributeJson(attribute), value: value as number }),
  eq: ({ attribute, value }) => ({ kind: "eq", attribute: attributeJson(attribute), value }),
  ne: ({ attribute, value }) => ({ kind: "ne", attribute: attributeJson(attribute), value }),
  oneOf: ({ attribute, values }) => ({ kind: "oneOf", attribute: attributeJson(attribute), values }),
  regexMatch: ({ attribute, pattern, flags }) => ({
    kind: "regexMatch",
    attribute: attributeJson(attribute),
    pattern,
    ...(flags ? { flags } : {}),
  }),
};

export function classifierJson(node: LoadedClassifier): ClassifierJson {
  return (classifierConverters[node.kind] as (node: LoadedClassifier) => ClassifierJson)(node);
}
