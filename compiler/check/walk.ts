import type { ClassifierKind } from "prosper/runtime";
import type { LoadedAttribute, LoadedClassifier, LoadedFeature } from "../load/model.js";

type Compared = Extract<LoadedClassifier, { attribute: LoadedAttribute }>;

const children: {
  readonly [K in ClassifierKind]: (node: Extract<LoadedClassifier, { kind: K }>) => readonly LoadedClassifier[];
} = {
  all: (node) => node.of,
  any: (node) => node.of,
  not: (node) => [node.of],
  lt: () => [],
  lte: () => [],
  gt: () => [],
  gte: () => [],
  eq: () => [],
  ne: () => [],
  oneOf: () => [],
  regexMatch: () => [],
};

/** Every classifier node in the feature's buckets, depth first, with the bucket it is in. */
export function* classifiersOf(feature: LoadedFeature): Generator<{ node: LoadedClassifier; bucket: string }> {
  for (const bucket of feature.buckets) {
    const stack: LoadedClassifier[] = [bucket.classifier];
    for (let node = stack.pop(); node; node = stack.pop()) {
      yield { node, bucket: bucket.name };
      stack.push(
        ...[...(children[node.kind] as (node: LoadedClassifier) => readonly LoadedClassifier[])(node)].reverse(),
      );
    }
  }
}

/** The comparisons (every node that reads an attribute) in the feature's buckets. */
export function* comparisonsOf(feature: LoadedFeature): Generator<Compared> {
  for (const { node } of classifiersOf(feature)) if ("attribute" in node) yield node;
}
