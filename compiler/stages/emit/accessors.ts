import type { ExperimentJson, FeatureJson, JsonValue } from "prosper-runtime";
import { comparisonsOf } from "../../model/walk.js";
import { experimentCode } from "./experiment-code.js";
import { DocumentMemo, literalText } from "./code-text.js";
import { featureCode } from "./feature-code.js";
import { propertyKey, unionType } from "./type-text.js";

export interface AccessorInput {
  readonly experiments: readonly ExperimentJson[];
  readonly features: readonly FeatureJson[];
  /** Definition files, relative to the project root, named in the header. */
  readonly sources: readonly string[];
  /** The command that writes the module, named in the header. */
  readonly command: string;
  /** Each document's pieces, made by an earlier emit (a watch's): reused for unchanged documents. */
  readonly memo?: DocumentMemo | undefined;
}

/**
 * What the accessor module is written in: TypeScript (`ts`), or JavaScript as an ES module
 * (`esm`) or CommonJS (`cjs`), each with the declarations of `accessorDeclarations`.
 */
export type AccessorLanguage = "ts" | "esm" | "cjs";

/**
 * The typed accessor module: value types per symbol and feature (TypeScript only), the documents,
 * and factories that hand them to the runtime with those types attached. The documents are
 * written into the module (as well as to their JSON files) so that it needs no JSON import, which
 * node 20 still calls experimental and older tools do not read. Written directly in its language,
 * laid out as it is written: nothing transpiles or formats it afterwards.
 */
export function accessorModule(input: AccessorInput, language: AccessorLanguage = "ts"): string {
  const { experiments, features, sources, command } = input;
  const memo = input.memo ?? new DocumentMemo();
  const typed = language === "ts";
  const cjs = language === "cjs";
  const names = new UniqueIdentifiers();
  const documents = [...experiments.map((e) => ({ definition: e, identifier: names.for(e.name, "Experiment") }))];
  const identifierOf = new Map(documents.map(({ definition, identifier }) => [definition, identifier]));
  const customAlgorithms = customAlgorithmsOf(experiments);
  const featureSource = featureCode(features, typed, memo.get);
  const experimentSource = experimentCode(experiments, customAlgorithms, language, memo.get);
  const featureHelpers = [
    "generatedFeatures",
    ...featureSource.helpers,
    ...(typed ? ["type FeatureFactories", "type FeatureOptions", "type Features as FeaturesClient"] : []),
  ];
  const exportedFunction = (name: string) =>
    `${cjs ? "" : "export "}function ${name}()${typed ? ": readonly unknown[]" : ""} {`;
  // CommonJS as TypeScript writes it: the ES module marker, and the hoisted functions' exports first.
  const prologue = cjs
    ? [
        `"use strict";`,
        `Object.defineProperty(exports, "__esModule", { value: true });`,
        `exports.experimentDocuments = experimentDocuments;`,
        `exports.featureDocuments = featureDocuments;`,
        `exports.createExperiments = createExperiments;`,
        `exports.createFeatures = createFeatures;`,
      ]
    : [];

  return [
    generatedHeader(sources, command),
    ...prologue,
    ``,
    experimentSource.imports,
    importText(featureHelpers, "prosper-runtime/features", language),
    ...documents.flatMap(({ definition, identifier }) => [
      ``,
      `const ${identifier} = ${memo.get(definition, "literal", () => literalText(definition as unknown as JsonValue))};`,
    ]),
    ...(typed ? ["", typesText(experiments, features, memo)] : []),
    ``,
    `/** The experiment documents, for other readers of them (an OpenFeature provider, say). */`,
    exportedFunction("experimentDocuments"),
    `  return [${experiments.map((e) => identifierOf.get(e)).join(", ")}];`,
    `}`,
    ``,
    `/** The feature documents, for other readers of them (an OpenFeature provider, say); a new copy each call. */`,
    exportedFunction("featureDocuments"),
    // One JSON text, parsed when asked for: not at load, where it was a tenth of a cold start
    // with 500 features. JSON.parse is faster than as many object literals, and a "__proto__"
    // key stays a key.
    `  return JSON.parse(${singleQuoted(`[${features.map((f) => memo.text(f)).join(",")}]`)});`,
    `}`,
    ``,
    experimentSource.factory,
    ``,
    `/** Each feature as code, built on its first evaluation (prosper-runtime/features). */`,
    `const featureEvaluators${typed ? ": FeatureFactories" : ""} = ${featureSource.table};`,
    ``,
    `/** The features, typed: \`features.get("new-checkout", { country: "NL" })\`. Create one per process. */`,
    typed
      ? `export function createFeatures(options?: FeatureOptions): FeaturesClient<Features> {`
      : `${cjs ? "" : "export "}function createFeatures(options) {`,
    `  return generatedFeatures${typed ? "<Features>" : ""}(featureEvaluators, options);`,
    `}`,
    ``,
  ].join("\n");
}

/**
 * A string literal in single quotes: JSON's double quotes go in unescaped. JSON text holds no line
 * break (U+2028 and U+2029 are valid in a literal since ES2019).
 */
const singleQuoted = (text: string) => `'${text.replace(/[\\']/g, (char) => `\\${char}`)}'`;

/** The declarations of the JavaScript module (`index.d.ts` or `index.d.cts`): its types and exports. */
export function accessorDeclarations({ experiments, features, sources, command, memo }: AccessorInput): string {
  const custom = customAlgorithmsOf(experiments);
  return [
    generatedHeader(sources, command),
    ``,
    importText(
      [
        ...(custom.length ? ["type Algorithm"] : []),
        "type ExperimentOptions",
        "type Experiments as ExperimentsClient",
        "type SymbolName as SymbolNameOf",
        "type SymbolValue as SymbolValueOf",
      ],
      "prosper-runtime/experiments",
      "ts",
    ),
    importText(["type FeatureOptions", "type Features as FeaturesClient"], "prosper-runtime/features", "ts"),
    ``,
    typesText(experiments, features, memo ?? new DocumentMemo()),
    ``,
    `/** The experiment documents, for other readers of them (an OpenFeature provider, say). */`,
    `export declare function experimentDocuments(): readonly unknown[];`,
    ``,
    `/** The feature documents, for other readers of them (an OpenFeature provider, say); a new copy each call. */`,
    `export declare function featureDocuments(): readonly unknown[];`,
    ``,
    ...(custom.length
      ? [
          customAlgorithmsType(custom),
          ``,
          experimentsComment,
          `export declare function createExperiments(`,
          `  options: ExperimentOptions<Experiments> & { readonly algorithms: CustomAlgorithms },`,
          `): ExperimentsClient<Experiments>;`,
        ]
      : [
          experimentsComment,
          `export declare function createExperiments(options?: ExperimentOptions<Experiments>): ExperimentsClient<Experiments>;`,
        ]),
    ``,
    `/** The features, typed: \`features.get("new-checkout", { country: "NL" })\`. Create one per process. */`,
    `export declare function createFeatures(options?: FeatureOptions): FeaturesClient<Features>;`,
    ``,
  ].join("\n");
}

export const experimentsComment =
  '/** The experiments, typed: `await experiments.pick(userId, "greeting")`. Create one per process. */';

/** The type of the custom algorithms that `createExperiments` needs. */
export function customAlgorithmsType(custom: readonly string[]): string {
  return [
    `/** The custom algorithms the definitions name: \`createExperiments\` needs every one of them. */`,
    `export type CustomAlgorithms = { ${custom.map((name) => `readonly ${propertyKey(name)}: Algorithm`).join("; ")} };`,
  ].join("\n");
}

function customAlgorithmsOf(experiments: readonly ExperimentJson[]): string[] {
  return [
    ...new Set(experiments.flatMap(({ algorithm }) => (algorithm.kind === "custom" ? [algorithm.name] : []))),
  ].sort();
}

/**
 * An import of `names` (`type X` for types, `X as Y` to rename) from `from`: one line when it
 * fits, else one name per line; in CommonJS, a `require` of the values (types have none).
 */
export function importText(names: readonly string[], from: string, language: AccessorLanguage): string {
  if (language !== "ts") names = names.filter((name) => !name.startsWith("type "));
  if (language === "cjs") {
    const values = names.map((name) => name.replace(" as ", ": "));
    return `const { ${values.join(", ")} } = require(${JSON.stringify(from)});`;
  }
  const line = `import { ${names.join(", ")} } from ${JSON.stringify(from)};`;
  return line.length <= 100
    ? line
    : [`import {`, ...names.map((name) => `  ${name},`), `} from ${JSON.stringify(from)};`].join("\n");
}

/** The module's types: the experiments' and the features', and the names of both. */
function typesText(
  experiments: readonly ExperimentJson[],
  features: readonly FeatureJson[],
  memo: DocumentMemo,
): string {
  return [
    `/** Variant names and symbol value types of every experiment. */`,
    `export type Experiments = {`,
    ...experiments.map((experiment) => memo.get(experiment, "type", () => experimentType(experiment))),
    `};`,
    ``,
    `/** Value and evaluation context types of every feature. */`,
    `export type Features = {`,
    ...features.map((feature) => memo.get(feature, "type", () => featureType(feature))),
    `};`,
    ``,
    `export type ExperimentName = keyof Experiments;`,
    `export type FeatureName = keyof Features;`,
    `export type SymbolName = SymbolNameOf<Experiments>;`,
    `export type SymbolValue<S extends SymbolName> = SymbolValueOf<Experiments, S>;`,
  ].join("\n");
}

/** How every generated module starts: the compiler removes only files that do. */
export const generatedMark = "// DO NOT EDIT. Generated by prosper";

/** The first lines of every generated file: what it is generated from, and not to edit it. */
export function generatedHeader(sources: readonly string[], command: string): string {
  return [
    `${generatedMark} (\`${command}\`) from ${sources.join(", ") || "no definitions"}.`,
    `// Change the definitions and compile again.`,
  ].join("\n");
}

function docComment(description: string | undefined): string {
  return description ? `  /** ${description.replace(/\*\//g, "*\\/")} */\n` : "";
}

function experimentType(experiment: ExperimentJson): string {
  const symbols = Object.keys(experiment.variants[0]?.symbols ?? {}).map((symbol) => {
    const values = experiment.variants.flatMap((variant) =>
      Object.hasOwn(variant.symbols, symbol) ? [variant.symbols[symbol]!] : [],
    );
    return `      ${propertyKey(symbol)}: ${unionType(values)};`;
  });
  return [
    `${docComment(experiment.description)}  ${propertyKey(experiment.name)}: {`,
    `    variant: ${unionType(experiment.variants.map((variant) => variant.name))};`,
    `    symbols: {`,
    ...symbols,
    `    };`,
    `  };`,
  ].join("\n");
}

function featureType(feature: FeatureJson): string {
  const context = new Map<string, string>([["unitId", "string"]]);
  for (const { node } of comparisonsOf(feature)) {
    if (node.attribute.kind === "context") context.set(node.attribute.key, node.attribute.type);
  }
  // `| undefined`: under exactOptionalPropertyTypes an app may still pass a key it has no value for.
  const members = [...context].map(([key, type]) => `${propertyKey(key)}?: ${type} | undefined`).join("; ");
  return [
    `${docComment(feature.description)}  ${propertyKey(feature.name)}: {`,
    `    value: ${unionType([feature.default, ...feature.buckets.map((bucket) => bucket.value)])};`,
    `    context: { ${members} };`,
    `  };`,
  ].join("\n");
}

/** camelCase identifiers for the documents in the module, unique even where names differ only in punctuation. */
class UniqueIdentifiers {
  private readonly taken = new Set<string>();

  for(name: string, suffix: string): string {
    const words = name.split(/[^A-Za-z0-9]+/).filter(Boolean);
    const camel = words
      .map((word, i) => (i === 0 ? word[0]!.toLowerCase() : word[0]!.toUpperCase()) + word.slice(1))
      .join("")
      .replace(/^(?=\d)/, "_");
    // "greeting_experiment" reads greetingExperiment, not greetingExperimentExperiment.
    const base = camel.toLowerCase().endsWith(suffix.toLowerCase()) ? camel : camel + suffix;
    let identifier = base;
    for (let n = 2; this.taken.has(identifier); n++) identifier = `${base}${n}`;
    this.taken.add(identifier);
    return identifier;
  }
}
