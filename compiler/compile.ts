import { existsSync, statSync } from "node:fs";
import { relative, resolve, sep } from "node:path";
import { stageCodes } from "./diagnostics/codes.js";
import { hasErrors, type Diagnostic } from "./diagnostics/diagnostic.js";
import { check } from "./stages/check/check.js";
import { emit, type ModuleFormat } from "./stages/emit/emit.js";
import { apply, plan, type FileChange } from "./stages/emit/write-files.js";
import { findInputs, load } from "./stages/load/load.js";
import { defaultLimits, run, type RunLimits, type RunResult } from "./stages/run/run.js";
import { validate } from "./stages/validate/validate.js";

export interface CompileOptions {
  /** The project root; every other path is relative to it. */
  readonly root: string;
  readonly definitionsDir?: string;
  readonly outDir?: string;
  /** The tsconfig to check the definitions with; when given, it must exist. */
  readonly tsconfig?: string;
  /** Compare `outDir` with what would be written, and write nothing. */
  readonly check?: boolean;
  /** How long, and with how much memory, the definitions may run. */
  readonly limits?: Partial<RunLimits>;
  /** What the accessor module is written as; JavaScript ES module with declarations by default. */
  readonly format?: ModuleFormat;
  /** Warnings count as errors: they are reported as errors, and the compile fails. */
  readonly strict?: boolean;
  /** The command that compiles, named in the generated files' headers. */
  readonly command?: string;
  /** A folder to write PyOF's files into as well, for the features PyOF's shape can say. */
  readonly pyofDir?: string;
}

export interface CompileResult {
  /** No errors, and (with `check`) nothing stale. */
  readonly ok: boolean;
  /** The type checker's diagnostics first, then the stages' own, then the rules'. */
  readonly diagnostics: readonly Diagnostic[];
  readonly sourceText: (file: string) => string | undefined;
  readonly definitionFiles: readonly string[];
  readonly experiments: number;
  readonly features: number;
  /** What was written (or, with `check`, what is stale: anything not unchanged). Empty on errors. */
  readonly changes: readonly FileChange[];
  /** What the definitions printed while they ran. */
  readonly output: string;
  /** Every file the compile read (absolute): definitions, files they import, the tsconfig. */
  readonly inputs: readonly string[];
  /** With `pyofDir`: the features not written as PyOF's files, and why. */
  readonly pyofSkipped: readonly { readonly name: string; readonly why: string }[];
}

export const defaults = {
  definitionsDir: "definitions",
  outDir: "generated",
  tsconfig: "tsconfig.json",
  format: "esm",
  command: "prosper compile",
} as const;

const noRun: RunResult = { definitions: [], unexported: [], failures: [], output: "" };

/**
 * The composition root: load (types and positions) while the definitions run, then validate
 * what they built, check it, emit, and write (or compare). On any error nothing is written, so
 * `outDir` stays byte for byte as it was.
 */
export async function compile(options: CompileOptions): Promise<CompileResult> {
  const { root, format, command } = { ...defaults, ...options };
  const limits = { ...defaultLimits, ...options.limits };
  const relativePath = (path: string) => relative(root, path).split(sep).join("/");
  // Paths may be given absolute or relative; from here on they are relative to the root.
  const fromRoot = (path: string) => relativePath(resolve(root, path)) || ".";
  const definitionsDir = fromRoot(options.definitionsDir ?? defaults.definitionsDir);
  const outDir = fromRoot(options.outDir ?? defaults.outDir);
  const tsconfig = fromRoot(options.tsconfig ?? defaults.tsconfig);
  const pyofDir = options.pyofDir === undefined ? undefined : fromRoot(options.pyofDir);
  const inputs = findInputs({ root, definitionsDir, tsconfig, tsconfigNamed: options.tsconfig !== undefined, outDir });
  // The definitions run in another process while the type checker works in this one.
  const running = inputs.files.length
    ? (
        await run({
          root,
          files: inputs.files,
          tsconfig: inputs.tsconfigPath,
          conditions: inputs.compilerOptions.customConditions,
          limits,
        })
      ).result
    : Promise.resolve(noRun);
  const loaded = load(root, inputs);
  const ran = await running;
  // A syntax error is reported by the type checker; esbuild would only repeat it, and nothing ran.
  const usable = loaded.syntaxErrors ? noRun : ran;
  const files = inputs.files.map(relativePath);
  const validated = validate(usable, loaded.index, files);
  const found = [
    ...inputs.diagnostics,
    ...loaded.diagnostics,
    ...validated.diagnostics,
    ...check(validated.definitions),
  ];
  const diagnostics = options.strict
    ? found.map((diagnostic): Diagnostic =>
        diagnostic.severity === "warning" ? { ...diagnostic, severity: "error" } : diagnostic,
      )
    : found;
  const summary = {
    diagnostics,
    sourceText: loaded.sourceText,
    definitionFiles: files,
    experiments: validated.definitions.experiments.length,
    features: validated.definitions.features.length,
    output: usable.output,
    inputs: [
      ...new Set([...inputs.files, ...loaded.sourceFiles, ...(inputs.tsconfigPath ? [inputs.tsconfigPath] : [])]),
    ],
    pyofSkipped: [] as CompileResult["pyofSkipped"],
  };
  if (hasErrors(diagnostics)) return { ...summary, ok: false, changes: [] };

  if (existsSync(resolve(root, outDir)) && !statSync(resolve(root, outDir)).isDirectory()) {
    const message = `the output folder ${outDir} is a file: choose a folder (the "out" setting, or --out)`;
    const notAFolder: Diagnostic = { code: stageCodes.setup, severity: "error", message };
    return { ...summary, diagnostics: [...diagnostics, notAFolder], ok: false, changes: [] };
  }
  const emitted = await emit({
    root,
    outDir,
    definitions: validated.definitions,
    sources: files,
    format,
    command,
    pyofDir,
  });
  const outputs = emitted.files;
  const changes = await plan(root, outDir, outputs, pyofDir);
  const blocked = changes.filter((change) => change.status === "blocked");
  if (blocked.length) {
    const refusals: Diagnostic[] = blocked.map((change) => ({
      code: stageCodes.setup,
      severity: "error",
      message: `${change.path} is not a file prosper wrote, so it will not overwrite it: move it, or choose another output folder`,
      span: { file: change.path, start: 0, length: 0 },
    }));
    return { ...summary, diagnostics: [...diagnostics, ...refusals], ok: false, changes: [] };
  }
  const written = { ...summary, pyofSkipped: emitted.pyofSkipped };
  if (options.check) return { ...written, ok: changes.every((change) => change.status === "unchanged"), changes };
  await apply(root, outDir, outputs, changes);
  return { ...written, ok: true, changes };
}
