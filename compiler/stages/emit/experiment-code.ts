import type { AlgorithmJson, ExperimentJson } from "prosper-runtime";
import { valueText, type Memo } from "./feature-code.js";
import { propertyKey } from "./type-text.js";
import { customAlgorithmsType, experimentsComment, importText, type AccessorLanguage } from "./accessors.js";

/** The experiments part of the generated module. */
export interface ExperimentCode {
  /** The import from `prosper-runtime/experiments`: the engine, and only the algorithms the definitions use. */
  readonly imports: string;
  /** `const experimentTables = [...]` and the typed `createExperiments`, after the `Experiments` type. */
  readonly factory: string;
}

/** A key of an object literal; `__proto__` computed, so that it stays an own key and sets no prototype. */
const key = (name: string) => (name === "__proto__" ? `["__proto__"]` : propertyKey(name));

/** What the table says of an algorithm: weights, a learner (named `uses`), or nothing for `random`. */
function algorithmText(json: AlgorithmJson, variants: readonly string[], uses: Set<string>): string | undefined {
  switch (json.kind) {
    case "random":
      return undefined;
    case "weighted":
      // Checked by the compiler: every variant has a weight.
      return `[${variants.map((name) => valueText(Object.hasOwn(json.weights, name) ? json.weights[name]! : 0)).join(", ")}]`;
    case "epsilonGreedy":
      uses.add("epsilonGreedy");
      return `epsilonGreedy(${valueText(json.epsilon)})`;
    case "ucb1":
    case "thompson":
      uses.add(json.kind);
      return json.kind;
    case "custom":
      uses.add("custom");
      return `custom(${[JSON.stringify(json.name), ...(json.parameters === undefined ? [] : [valueText(json.parameters)])].join(", ")})`;
  }
}

/**
 * The experiments as the engine runs them (`prosper-runtime/experiments`): per experiment its
 * variant names, each symbol's value per variant, and its algorithm as a value, so that the
 * application bundles the document reader not at all and each learning algorithm only when a
 * definition uses it. The compiler has checked every definition; the engine trusts the tables.
 */
export function experimentCode(
  experiments: readonly ExperimentJson[],
  customAlgorithms: readonly string[],
  language: AccessorLanguage = "ts",
  memo: Memo = (_document, _part, make) => make(),
): ExperimentCode {
  const typed = language === "ts";
  const uses = new Set<string>();
  // The algorithms a table uses are what the import names: remembered with the table.
  const tables = experiments.map((experiment) => {
    const made = memo(experiment, "table", () => {
      const used = new Set<string>();
      return { text: experimentTable(experiment, used), used: [...used] };
    });
    for (const name of made.used) uses.add(name);
    return made.text;
  });
  function experimentTable(experiment: ExperimentJson, uses: Set<string>): string {
    const variants = experiment.variants.map((variant) => variant.name);
    const control = experiment.variants[0]?.symbols ?? {};
    const symbols = Object.keys(control).map(
      (symbol) =>
        `${key(symbol)}: [${experiment.variants
          .map(({ symbols: own }) => valueText(Object.hasOwn(own, symbol) ? own[symbol]! : control[symbol]!))
          .join(", ")}]`,
    );
    const algorithm = algorithmText(experiment.algorithm, variants, uses);
    return [
      `  {`,
      `    name: ${JSON.stringify(experiment.name)},`,
      `    salt: ${JSON.stringify(experiment.salt)},`,
      `    variants: [${variants.map((name) => JSON.stringify(name)).join(", ")}],`,
      ...(`    symbols: { ${symbols.join(", ")} },`.length <= 100
        ? [`    symbols: { ${symbols.join(", ")} },`]
        : [`    symbols: {`, ...symbols.map((symbol) => `      ${symbol},`), `    },`]),
      ...(algorithm === undefined ? [] : [`    algorithm: ${algorithm},`]),
      `  },`,
    ].join("\n");
  }
  const custom = customAlgorithms.length > 0;
  const imports = importText(
    [
      ...[...uses, "experimentsOf"].sort(),
      ...(custom ? ["type Algorithm"] : []),
      "type ExperimentOptions",
      "type ExperimentTable",
      "type Experiments as ExperimentsClient",
      "type SymbolName as SymbolNameOf",
      "type SymbolValue as SymbolValueOf",
    ],
    "prosper-runtime/experiments",
    language,
  );
  const signature = !typed
    ? [`${language === "cjs" ? "" : "export "}function createExperiments(options) {`]
    : custom
      ? [
          customAlgorithmsType(customAlgorithms),
          ``,
          experimentsComment,
          `export function createExperiments(`,
          `  options: ExperimentOptions<Experiments> & { readonly algorithms: CustomAlgorithms },`,
          `): ExperimentsClient<Experiments> {`,
        ]
      : [
          experimentsComment,
          `export function createExperiments(options?: ExperimentOptions<Experiments>): ExperimentsClient<Experiments> {`,
        ];
  const factory = [
    `/** Each experiment as the engine runs it: variants, each symbol's value per variant, the algorithm. */`,
    `const experimentTables${typed ? ": readonly ExperimentTable[]" : ""} = [`,
    ...tables,
    `];`,
    ``,
    ...(typed ? [] : [experimentsComment]),
    ...signature,
    `  return experimentsOf${typed ? "<Experiments>" : ""}(experimentTables, options);`,
    `}`,
  ].join("\n");
  return { imports, factory };
}
