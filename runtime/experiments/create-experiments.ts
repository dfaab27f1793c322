import type { AlgorithmJson, ExperimentJson, JsonValue } from "../format.js";
import { documentsOf, type ReportError } from "../options.js";
import { readExperimentParts } from "../read-document.js";
import { firstProblem } from "../read-json.js";
import { custom, epsilonGreedy, ucb1 } from "./algorithms.js";
import {
  experimentsOf,
  type ExperimentOptions,
  type Experiments,
  type ExperimentTable,
  type ExperimentTypes,
} from "./engine.js";
import { thompson } from "./thompson.js";

export type {
  Assignment,
  CompleteResult,
  ExperimentOptions,
  Experiments,
  ExperimentTypes,
  Exposure,
  SymbolName,
  SymbolValue,
  UnitPicks,
} from "./engine.js";

/** The table's algorithm for a document's: what the generated module writes for the same definition. */
function algorithmOf(json: AlgorithmJson, variants: readonly string[]): ExperimentTable["algorithm"] {
  switch (json.kind) {
    case "random":
      return undefined;
    case "weighted":
      // A variant without a weight (which the compiler rejects) is never chosen; a weight is looked up as data.
      return variants.map((name) => (Object.hasOwn(json.weights, name) ? json.weights[name]! : 0));
    case "epsilonGreedy":
      return epsilonGreedy(json.epsilon);
    case "ucb1":
      return ucb1;
    case "thompson":
      return thompson;
    case "custom":
      return custom(json.name, json.parameters);
  }
}

/** An experiment document as the engine runs it: variant names, and each symbol's value per variant. */
export function experimentTable(json: ExperimentJson, problem?: string): ExperimentTable {
  const variants = json.variants.map((variant) => variant.name);
  // No prototype: a symbol named __proto__ is a key like any other.
  const symbols: Record<string, JsonValue[]> = Object.create(null);
  const control = json.variants[0]?.symbols ?? {};
  for (const symbol of Object.keys(control))
    symbols[symbol] = json.variants.map(({ symbols: own }) =>
      // A symbol the variant lacks (which the compiler rejects) is the control's.
      own && Object.hasOwn(own, symbol) ? own[symbol]! : control[symbol]!,
    );
  return {
    name: json.name,
    salt: json.salt,
    variants,
    symbols,
    algorithm: problem ? undefined : algorithmOf(json.algorithm, variants),
    problem,
  };
}

/**
 * Checks experiment documents and runs them through pyrosper's loop, learning from the scores:
 * enable, assign (sticky), pick, complete with a score, disable. Never throws and never hangs,
 * whatever it is given: failures come back as reasons and go to `onError`. The generated module's
 * `createExperiments` runs the same engine on tables the compiler checked, without this reader.
 */
export function createExperiments<E extends ExperimentTypes = ExperimentTypes>(
  documents: readonly unknown[],
  options: ExperimentOptions<E> = {},
): Experiments<E> {
  const read = (report: ReportError) => {
    const tables: ExperimentTable[] = [];
    for (const [index, document] of documentsOf(documents, report)) {
      const { problems, copy } = readExperimentParts(document);
      const problem = problems.length ? firstProblem(problems) : undefined;
      if (problem) report(new Error(problem), `load documents[${index}]`);
      // Without a name or variants there is nothing to serve: the experiment is unknown.
      if (copy?.name !== undefined && copy.variants) tables.push(experimentTable(copy as ExperimentJson, problem));
    }
    return tables;
  };
  return experimentsOf<E>(read, options);
}
