import type { AttributeJson, ClassifierJson, ClassifierKind, DocumentPath, FeatureJson } from "prosper-runtime";

type Compared = Extract<ClassifierJson, { attribute: AttributeJson }>;

export interface ClassifierAt<Node extends ClassifierJson = ClassifierJson> {
  readonly node: Node;
  /** From the document's root: `["buckets", 0, "classifier", "of", 1]`. */
  readonly path: DocumentPath;
  readonly bucket: string;
}

const children: {
  readonly [K in ClassifierKind]: (
    node: Extract<ClassifierJson, { kind: K }>,
  ) => readonly [string | number, ClassifierJson][];
} = {
  all: (node) => node.of.map((child, index) => [index, child]),
  any: (node) => node.of.map((child, index) => [index, child]),
  not: (node) => [["of", node.of]],
  lt: () => [],
  lte: () => [],
  gt: () => [],
  gte: () => [],
  eq: () => [],
  ne: () => [],
  oneOf: () => [],
  regexMatch: () => [],
};

/** Every classifier node in the feature's buckets, depth first, with its path and the bucket it is in. */
export function* classifiersOf(feature: FeatureJson): Generator<ClassifierAt> {
  for (const [index, bucket] of feature.buckets.entries()) {
    const stack: ClassifierAt[] = [
      { node: bucket.classifier, path: ["buckets", index, "classifier"], bucket: bucket.name },
    ];
    for (let at = stack.pop(); at; at = stack.pop()) {
      yield at;
      const inner = (children[at.node.kind] as (node: ClassifierJson) => readonly [string | number, ClassifierJson][])(
        at.node,
      );
      for (const [step, node] of [...inner].reverse()) {
        const path = typeof step === "number" ? [...at.path, "of", step] : [...at.path, step];
        stack.push({ node, path, bucket: at.bucket });
      }
    }
  }
}

/** The comparisons (every node that reads an attribute) in the feature's buckets. */
export function* comparisonsOf(feature: FeatureJson): Generator<ClassifierAt<Compared>> {
  for (const at of classifiersOf(feature)) if ("attribute" in at.node) yield at as ClassifierAt<Compared>;
}

/** The type of value an attribute yields: context values say so, the rest are fixed or their value's own. */
export function attributeType(attribute: AttributeJson): "number" | "string" | "boolean" {
  switch (attribute.kind) {
    case "sessionRandom":
      return "number";
    case "hostname":
    case "runtimeVersion":
      return "string";
    case "static":
      return typeof attribute.value as "number" | "string" | "boolean";
    case "context":
      return attribute.type;
  }
}

/** How a message names an attribute: `context "country" (a string)`, `hostname (a string)`. */
export const describeAttribute = (attribute: AttributeJson) =>
  `${attribute.kind === "context" ? `context "${attribute.key}"` : attribute.kind} (a ${attributeType(attribute)})`;
