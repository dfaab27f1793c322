import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { renderReport, type ExperimentResults, type RegretCurve } from "prosper-runtime/report";
import { UsageError } from "./config.js";

export interface ReportOptions {
  /** Where relative paths start. */
  readonly root: string;
  /** A JSON file: one experiment's results or an array of them. */
  readonly results?: string;
  /** A JSON file the bandit benchmark wrote: its `curves` are plotted, the rest ignored. */
  readonly bandits?: string;
  readonly title?: string;
  /** The HTML file to write. */
  readonly out: string;
}

export const defaultReportFile = "prosper-report.html";

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

function readJson(root: string, flag: string, file: string): unknown {
  let text: string;
  try {
    text = readFileSync(resolve(root, file), "utf8");
  } catch (error) {
    throw new UsageError(`${flag} ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${flag} ${file}: not valid JSON (${(error as Error).message})`);
  }
}

// Loose checks: enough that a wrong file is named as such; the renderer copes with odd values inside.
const looksLikeResults = (value: unknown) =>
  isObject(value) && typeof value["experiment"] === "string" && Array.isArray(value["variants"]);
const looksLikeCurve = (value: unknown) =>
  isObject(value) &&
  typeof value["algorithm"] === "string" &&
  Array.isArray(value["arms"]) &&
  Array.isArray(value["points"]);

function readResults(root: string, file: string): ExperimentResults[] {
  const json = readJson(root, "--results", file);
  const list = Array.isArray(json) ? json : [json];
  if (!list.every(looksLikeResults))
    throw new UsageError(
      `--results ${file}: expected an experiment's results or an array of them ` +
        `(objects with an "experiment" name and a "variants" array)`,
    );
  return list as ExperimentResults[];
}

function readCurves(root: string, file: string): RegretCurve[] {
  const json = readJson(root, "--bandits", file);
  if (!isObject(json) || !Array.isArray(json["curves"]))
    throw new UsageError(`--bandits ${file}: expected the bandit benchmark's output, an object with a "curves" array`);
  const bad = json["curves"].findIndex((curve) => !looksLikeCurve(curve));
  if (bad >= 0)
    throw new UsageError(
      `--bandits ${file}: curves[${bad}] is not a regret curve (it needs "algorithm", "arms" and "points")`,
    );
  return json["curves"] as RegretCurve[];
}

/**
 * Reads experiment results and bandit curves, renders them as one HTML page and writes it, atomically:
 * a reader of the file sees the old report or the new one, never half of one. Gives the path written.
 */
export function writeReport(options: ReportOptions): string {
  if (options.results === undefined && options.bandits === undefined)
    throw new UsageError("report needs --results <file>, --bandits <file>, or both");
  for (const [flag, value] of [
    ["--results", options.results],
    ["--bandits", options.bandits],
    ["--out", options.out],
  ] as const)
    if (value === "") throw new UsageError(`${flag} needs a path, not an empty string`);
  const html = renderReport({
    ...(options.title === undefined ? {} : { title: options.title }),
    ...(options.results === undefined ? {} : { experiments: readResults(options.root, options.results) }),
    ...(options.bandits === undefined ? {} : { regret: readCurves(options.root, options.bandits) }),
  });
  const out = resolve(options.root, options.out);
  const temporary = `${out}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(temporary, html);
    renameSync(temporary, out);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new UsageError(`--out ${options.out}: cannot write it (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
  return options.out;
}
