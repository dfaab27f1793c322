import type { AttributeJson, EqualityKind, OrderingKind } from "prosper/runtime";
import type { Node } from "ts-morph";
import type * as define from "../define/index.js";
import type { Span } from "../diagnostics/diagnostic.js";
import type { Evaluator } from "./evaluate.js";
import { NotStatic } from "./load-error.js";
import type { LoadedAttribute, LoadedClassifier, ValueType } from "./model.js";

/**
 * How the load stage reads each `prosper/define` helper, keyed by the helper's exported name.
 * The `satisfies` clauses tie the keys to what `prosper/define` really exports.
 */

export type Call = { readonly node: Node; readonly args: readonly Node[]; readonly span: Span };

type DefineExport = keyof typeof define;

const arg = ({ node, args }: Call, index: number): Node => {
  const found = args[index];
  if (!found) throw new NotStatic(node, `missing argument ${index + 1}`);
  return found;
};

function typedArgument<T extends "string" | "number">(evaluator: Evaluator, call: Call, index: number, type: T) {
  const node = arg(call, index);
  const value = evaluator.json(node);
  if (typeof value !== type) throw new NotStatic(node, `expected a ${type} here`);
  return value as T extends "string" ? string : number;
}

type AttributeReader = (evaluator: Evaluator, call: Call) => AttributeJson & { readonly type: ValueType };

export const attributeHelpers = {
  sessionRandom: (evaluator, call) =>
    call.args.length
      ? { kind: "sessionRandom", salt: typedArgument(evaluator, call, 0, "string"), type: "number" }
      : { kind: "sessionRandom", type: "number" },
  hostname: () => ({ kind: "hostname", type: "string" }),
  runtimeVersion: () => ({ kind: "runtimeVersion", type: "string" }),
  staticNumber: (evaluator, call) => ({
    kind: "static",
    value: typedArgument(evaluator, call, 0, "number"),
    type: "number",
  }),
  staticString: (evaluator, call) => ({
    kind: "static",
    value: typedArgument(evaluator, call, 0, "string"),
    type: "string",
  }),
  contextString: (evaluator, call) => ({
    kind: "context",
    key: typedArgument(evaluator, call, 0, "string"),
    type: "string",
  }),
  contextNumber: (evaluator, call) => ({
    kind: "context",
    key: typedArgument(evaluator, call, 0, "string"),
    type: "number",
  }),
  contextBoolean: (evaluator, call) => ({
    kind: "context",
    key: typedArgument(evaluator, call, 0, "string"),
    type: "boolean",
  }),
} satisfies Partial<Record<DefineExport, AttributeReader>>;

/** A comparison of `attribute` with the call's argument at `index`. */
function compared(
  evaluator: Evaluator,
  call: Call,
  kind: OrderingKind | EqualityKind | "oneOf" | "regexMatch",
  attribute: LoadedAttribute,
  index: number,
): LoadedClassifier {
  const node = arg(call, index);
  const valueSpan = evaluator.spanOf(node);
  const { span } = call;
  switch (kind) {
    case "oneOf": {
      const values = evaluator.elements(node).map((element) => evaluator.scalar(element));
      return { kind, attribute, values, valueSpan, span };
    }
    case "regexMatch": {
      const pattern = typedArgument(evaluator, call, index, "string");
      const flags = call.args[index + 1] ? typedArgument(evaluator, call, index + 1, "string") : "";
      return flags
        ? { kind, attribute, pattern, flags, valueSpan, span }
        : { kind, attribute, pattern, valueSpan, span };
    }
    default:
      return { kind, attribute, value: evaluator.scalar(node), valueSpan, span };
  }
}

type ClassifierReader = (evaluator: Evaluator, call: Call) => LoadedClassifier;

const functionComparison =
  (kind: OrderingKind | EqualityKind | "oneOf" | "regexMatch"): ClassifierReader =>
  (evaluator, call) =>
    compared(evaluator, call, kind, evaluator.attribute(arg(call, 0)), 1);

export const classifierHelpers = {
  all: (evaluator, call) => ({ kind: "all", of: call.args.map((node) => evaluator.classifier(node)), span: call.span }),
  any: (evaluator, call) => ({ kind: "any", of: call.args.map((node) => evaluator.classifier(node)), span: call.span }),
  not: (evaluator, call) => ({ kind: "not", of: evaluator.classifier(arg(call, 0)), span: call.span }),
  lt: functionComparison("lt"),
  lte: functionComparison("lte"),
  gt: functionComparison("gt"),
  gte: functionComparison("gte"),
  eq: functionComparison("eq"),
  ne: functionComparison("ne"),
  oneOf: functionComparison("oneOf"),
  regexMatch: functionComparison("regexMatch"),
} satisfies Partial<Record<DefineExport, ClassifierReader>>;

type AttributeMethodReader = (evaluator: Evaluator, attribute: LoadedAttribute, call: Call) => LoadedClassifier;

const methodComparison =
  (kind: OrderingKind | EqualityKind | "oneOf" | "regexMatch"): AttributeMethodReader =>
  (evaluator, attribute, call) =>
    compared(evaluator, call, kind, attribute, 0);

export const attributeMethods = {
  lt: methodComparison("lt"),
  lte: methodComparison("lte"),
  gt: methodComparison("gt"),
  gte: methodComparison("gte"),
  eq: methodComparison("eq"),
  ne: methodComparison("ne"),
  oneOf: methodComparison("oneOf"),
  matches: methodComparison("regexMatch"),
} satisfies Record<
  Exclude<keyof define.NumberAttribute | keyof define.StringAttribute, "json" | "valueType" | "toJSON">,
  AttributeMethodReader
>;

type ClassifierMethodReader = (evaluator: Evaluator, receiver: LoadedClassifier, call: Call) => LoadedClassifier;

export const classifierMethods = {
  and: (evaluator, receiver, call) => ({
    kind: "all",
    of: [receiver, ...call.args.map((node) => evaluator.classifier(node))],
    span: call.span,
  }),
  or: (evaluator, receiver, call) => ({
    kind: "any",
    of: [receiver, ...call.args.map((node) => evaluator.classifier(node))],
    span: call.span,
  }),
  not: (_, receiver, call) => ({ kind: "not", of: receiver, span: call.span }),
} satisfies Record<Exclude<keyof define.Classifier, "json" | "toJSON">, ClassifierMethodReader>;
