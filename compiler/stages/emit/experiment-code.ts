import type { AlgorithmJson, ExperimentJson } from "prosper-runtime";
import { valueText } from "./feature-code.js";
import { propertyKey } from "./type-text.js";

/** The experiments part of the generated module. */
export interface ExperimentCode {
  /** The import from `prosper-runtime/experiments`: the engine, and only the algorithms the definitions use. */
  readonly imports: string;
  /** `const experimentTables = [...]` and the typed `createExperiments`, after the `Experiments` type. */
  readonly factory: string;
}

/** A key of an object literal; `__proto__` computed, so that it stays an own key and sets no prototype. */
const key = (name: string) => (name === "__proto__" ? `["__proto__"]` : JSON.stringify(name));

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
): ExperimentCode {
  const uses = new Set<string>();
  const tables = experiments.map((experiment) => {
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
      `    symbols: { ${symbols.join(", ")} },`,
      ...(algorithm === undefined ? [] : [`    algorithm: ${algorithm},`]),
      `  },`,
    ].join("\n");
  });
  const custom = customAlgorithms.length > 0;
  const imports = [
    `import {`,
    ...[...uses, "experimentsOf"].sort().map((name) => `  ${name},`),
    ...(custom ? [`  type Algorithm,`] : []),
    `  type ExperimentOptions,`,
    `  type ExperimentTable,`,
    `  type Experiments as ExperimentsClient,`,
    `  type SymbolName as SymbolNameOf,`,
    `  type SymbolValue as SymbolValueOf,`,
    `} from "prosper-runtime/experiments";`,
  ].join("\n");
  const factory = [
    `/** Each experiment as the engine runs it: variants, each symbol's value per variant, the algorithm. */`,
    `const experimentTables: readonly ExperimentTable[] = [`,
    ...tables,
    `];`,
    ``,
    ...(custom
      ? [
          `/** The custom algorithms the definitions name: \`createExperiments\` needs every one of them. */`,
          `export type CustomAlgorithms = { ${customAlgorithms.map((name) => `readonly ${propertyKey(name)}: Algorithm`).join("; ")} };`,
          ``,
          `/** The experiments, typed: \`await experiments.pick(userId, "greeting")\`. Create one per process. */`,
          `export function createExperiments(`,
          `  options: ExperimentOptions<Experiments> & { readonly algorithms: CustomAlgorithms },`,
          `): ExperimentsClient<Experiments> {`,
        ]
      : [
          `/** The experiments, typed: \`await experiments.pick(userId, "greeting")\`. Create one per process. */`,
          `export function createExperiments(options?: ExperimentOptions<Experiments>): ExperimentsClient<Experiments> {`,
        ]),
    `  return experimentsOf<Experiments>(experimentTables, options);`,
    `}`,
  ].join("\n");
  return { imports, factory };
}
