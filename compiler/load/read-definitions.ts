import type { AlgorithmJson, RuntimeName } from "prosper/runtime";
import { Node, type CallExpression, type SourceFile } from "ts-morph";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { Evaluator, ObjectEntry } from "./evaluate.js";
import type { LoadedBucket, LoadedDefinitions, LoadedExperiment, LoadedFeature, LoadedVariant } from "./model.js";
import { loadCodes, NotStatic } from "./load-error.js";

const runtimeNames: readonly RuntimeName[] = ["node", "deno", "bun", "browser"];

/**
 * Reads every exported `experiment(...)` and `feature(...)` call in `files` into plain data.
 * A definition that cannot be read statically is reported and left out.
 */
export function readDefinitions(
  files: readonly SourceFile[],
  evaluator: Evaluator,
  report: (diagnostic: Diagnostic) => void,
): LoadedDefinitions {
  const experiments: LoadedExperiment[] = [];
  const features: LoadedFeature[] = [];
  const definitionKind = (call: CallExpression) => {
    const helper = evaluator.helperOf(call.getExpression());
    return helper?.kind === "function" && (helper.name === "experiment" || helper.name === "feature")
      ? helper.name
      : undefined;
  };

  for (const file of files) {
    const exported = new Set<Node>();
    const exportedDeclarations = new Set<Node>();
    for (const declarations of file.getExportedDeclarations().values()) {
      for (const declaration of declarations) {
        // A re-export is read where it is declared, once.
        if (declaration.getSourceFile() !== file) continue;
        exportedDeclarations.add(declaration);
        const call = definitionCall(declaration);
        const kind = call && definitionKind(call);
        if (!call || !kind || exported.has(call)) continue;
        exported.add(call);
        try {
          if (kind === "experiment") experiments.push(readExperiment(call, evaluator));
          else features.push(readFeature(call, evaluator));
        } catch (error) {
          if (!(error instanceof NotStatic)) throw error;
          report({ code: error.code, severity: "error", message: error.message, span: evaluator.spanOf(error.node) });
        }
      }
    }
    file.forEachDescendant((node) => {
      const kind = Node.isCallExpression(node) && !exported.has(node) && definitionKind(node);
      if (!kind) return;
      const span = evaluator.spanOf(node);
      if (node.getAncestors().some((ancestor) => exportedDeclarations.has(ancestor))) {
        const message = `this ${kind}(...) is inside an exported value, where the compiler does not look: export it as a const of its own (export const x = ${kind}({...}))`;
        report({ code: loadCodes.definitionShape, severity: "error", message, span });
      } else {
        const message = `this ${kind}(...) is not exported, so it is not compiled; export it to include it`;
        report({ code: loadCodes.unexported, severity: "warning", message, span });
      }
    });
  }
  return { experiments, features };
}

/** The `experiment(...)`/`feature(...)` call a declaration exports, seeing through `as` and parentheses. */
function definitionCall(declaration: Node): CallExpression | undefined {
  let node: Node | undefined = Node.isVariableDeclaration(declaration) ? declaration.getInitializer() : declaration;
  while (
    node &&
    (Node.isParenthesizedExpression(node) || Node.isAsExpression(node) || Node.isSatisfiesExpression(node))
  ) {
    node = node.getExpression();
  }
  return Node.isCallExpression(node) ? node : undefined;
}

/** The properties of a definition's argument object, by key. */
function properties(call: CallExpression, evaluator: Evaluator): Map<string, ObjectEntry> {
  const [argument] = call.getArguments();
  if (!argument) throw new NotStatic(call, "expected one argument: the definition object", loadCodes.definitionShape);
  return new Map(evaluator.objectEntries(argument).map((entry) => [entry.key, entry]));
}

function required(entries: Map<string, ObjectEntry>, key: string, call: CallExpression): ObjectEntry {
  const entry = entries.get(key);
  if (!entry) throw new NotStatic(call, `the definition has no "${key}"`, loadCodes.definitionShape);
  return entry;
}

function optionalString(
  entries: Map<string, ObjectEntry>,
  key: string,
  evaluator: Evaluator,
): { [K in typeof key]?: string } {
  const entry = entries.get(key);
  return entry ? { [key]: evaluator.string(entry.value, key) } : {};
}

function readExperiment(call: CallExpression, evaluator: Evaluator): LoadedExperiment {
  const entries = properties(call, evaluator);
  const name = required(entries, "name", call);
  const variantsEntry = required(entries, "variants", call);
  const variants: LoadedVariant[] = evaluator.objectEntries(variantsEntry.value).map((variant) => ({
    name: variant.key,
    span: evaluator.spanOf(variant.keyNode),
    symbols: evaluator.objectEntries(variant.value).map((symbol) => ({
      name: symbol.key,
      span: evaluator.spanOf(symbol.keyNode),
      value: evaluator.json(symbol.value),
      valueSpan: evaluator.spanOf(symbol.value),
    })),
  }));
  const algorithm = entries.get("algorithm");
  const experimentName = evaluator.string(name.value, "name");
  return {
    kind: "experiment",
    name: experimentName,
    nameSpan: evaluator.spanOf(name.value),
    span: evaluator.spanOf(call),
    ...optionalString(entries, "description", evaluator),
    salt: entries.has("salt") ? evaluator.string(entries.get("salt")!.value, "salt") : experimentName,
    algorithm: algorithm ? readAlgorithm(algorithm.value, evaluator) : { kind: "random" },
    ...(algorithm ? { algorithmSpan: evaluator.spanOf(algorithm.value) } : {}),
    variants,
    variantsSpan: evaluator.spanOf(variantsEntry.value),
  };
}

function readAlgorithm(node: Node, evaluator: Evaluator): AlgorithmJson {
  const algorithm = evaluator.json(node);
  const kind =
    typeof algorithm === "object" && algorithm !== null && !Array.isArray(algorithm)
      ? (algorithm as { kind?: unknown }).kind
      : undefined;
  if (kind === "random") return { kind };
  if (kind === "weighted") {
    const { weights } = algorithm as { weights?: unknown };
    if (
      typeof weights === "object" &&
      weights !== null &&
      !Array.isArray(weights) &&
      Object.values(weights).every((w) => typeof w === "number")
    ) {
      return { kind, weights: weights as Record<string, number> };
    }
    throw new NotStatic(
      node,
      'a weighted algorithm needs "weights": an object of numbers keyed by variant name',
      loadCodes.definitionShape,
    );
  }
  throw new NotStatic(
    node,
    `unknown algorithm ${JSON.stringify(kind ?? algorithm)}: expected { kind: "random" } or { kind: "weighted", weights }`,
    loadCodes.definitionShape,
  );
}

function readFeature(call: CallExpression, evaluator: Evaluator): LoadedFeature {
  const entries = properties(call, evaluator);
  const name = required(entries, "name", call);
  const defaultEntry = required(entries, "default", call);
  const buckets: LoadedBucket[] = evaluator.elements(required(entries, "buckets", call).value).map((node) => {
    const bucket = new Map(evaluator.objectEntries(node).map((entry) => [entry.key, entry]));
    const bucketName = bucket.get("name");
    const classifier = bucket.get("classifier");
    const value = bucket.get("value");
    if (!bucketName || !classifier || !value)
      throw new NotStatic(node, 'a bucket needs "name", "classifier" and "value"', loadCodes.definitionShape);
    return {
      name: evaluator.string(bucketName.value, "a bucket's name"),
      nameSpan: evaluator.spanOf(bucketName.value),
      classifier: evaluator.classifier(classifier.value),
      value: evaluator.json(value.value),
      valueSpan: evaluator.spanOf(value.value),
    };
  });
  const runtimes = entries.get("runtimes");
  return {
    kind: "feature",
    name: evaluator.string(name.value, "name"),
    nameSpan: evaluator.spanOf(name.value),
    span: evaluator.spanOf(call),
    ...optionalString(entries, "description", evaluator),
    ...(runtimes ? { runtimes: readRuntimes(runtimes.value, evaluator) } : {}),
    buckets,
    default: evaluator.json(defaultEntry.value),
    defaultSpan: evaluator.spanOf(defaultEntry.value),
  };
}

function readRuntimes(node: Node, evaluator: Evaluator): RuntimeName[] {
  return evaluator.elements(node).map((element) => {
    const value = evaluator.json(element);
    if (!runtimeNames.includes(value as RuntimeName)) {
      throw new NotStatic(
        element,
        `unknown runtime ${JSON.stringify(value)}: expected one of ${runtimeNames.join(", ")}`,
        loadCodes.definitionShape,
      );
    }
    return value as RuntimeName;
  });
}
