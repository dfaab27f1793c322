import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { moduleFormats, type ModuleFormat } from "./stages/emit/emit.js";

/** The file `prosper init` writes and `prosper compile` reads, in the project root. */
export const configFileName = "prosper.config.json";

/** What a project may set in prosper.config.json; a flag on the command line wins over it. */
export interface ProjectConfig {
  /** The folder of definition files. */
  readonly definitions?: string;
  /** The folder the compiler writes. */
  readonly out?: string;
  /** The tsconfig the definitions are checked with. */
  readonly project?: string;
  /** What the accessor module is written as. */
  readonly format?: ModuleFormat;
  /** Warnings count as errors. */
  readonly strict?: boolean;
  /** A folder to write PyOF's files into as well, for the features PyOF's shape can say. */
  readonly pyof?: string;
}

/** A problem with how prosper was asked to run: printed with the usage, exit code 2. */
export class UsageError extends Error {}

const keys: { readonly [K in keyof ProjectConfig]-?: (value: unknown) => boolean } = {
  definitions: (value) => typeof value === "string" && value !== "",
  out: (value) => typeof value === "string" && value !== "",
  project: (value) => typeof value === "string" && value !== "",
  format: (value) => moduleFormats.includes(value as ModuleFormat),
  strict: (value) => typeof value === "boolean",
  pyof: (value) => typeof value === "string" && value !== "",
};

/**
 * The project's config: `file` when given (it must exist), else prosper.config.json in `root` when
 * there is one, else nothing. Unknown keys and wrong values are usage errors, not guesses.
 */
export function readConfig(root: string, file?: string): ProjectConfig {
  const path = resolve(root, file ?? configFileName);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if (file === undefined && (error as { code?: string }).code === "ENOENT") return {};
    throw new UsageError(`cannot read the config file ${file ?? configFileName}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file ?? configFileName} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new UsageError(`${file ?? configFileName} must hold a JSON object`);
  for (const [key, value] of Object.entries(parsed)) {
    if (!Object.hasOwn(keys, key))
      throw new UsageError(
        `${file ?? configFileName}: unknown key "${key}" (expected ${Object.keys(keys).join(", ")})`,
      );
    if (!keys[key as keyof ProjectConfig](value)) {
      const expected =
        key === "format"
          ? `one of ${moduleFormats.join(", ")}`
          : key === "strict"
            ? "true or false"
            : "a non-empty string";
      throw new UsageError(`${file ?? configFileName}: "${key}" must be ${expected}, not ${JSON.stringify(value)}`);
    }
  }
  return parsed as ProjectConfig;
}
