import { check } from "./check/check.js";
import { hasErrors, type Diagnostic } from "./diagnostics/diagnostic.js";
import { emit } from "./emit/emit.js";
import { apply, plan, type FileChange } from "./emit/write-files.js";
import { load } from "./load/load.js";

export interface CompileOptions {
  /** The project root; every other path is relative to it. */
  readonly root: string;
  readonly definitionsDir?: string;
  readonly outDir?: string;
  readonly tsconfig?: string;
  /** Compare `outDir` with what would be written, and write nothing. */
  readonly check?: boolean;
}

export interface CompileResult {
  /** No errors, and (with `check`) nothing stale. */
  readonly ok: boolean;
  /** The type checker's diagnostics first, then the load stage's, then the rules'. */
  readonly diagnostics: readonly Diagnostic[];
  readonly sourceText: (file: string) => string | undefined;
  readonly definitionFiles: readonly string[];
  readonly experiments: number;
  readonly features: number;
  /** What was written (or, with `check`, what is stale: anything not unchanged). Empty on errors. */
  readonly changes: readonly FileChange[];
}

export const defaults = { definitionsDir: "definitions", outDir: "generated", tsconfig: "tsconfig.json" } as const;

/**
 * The composition root: load, check, emit, then write (or compare). On any error nothing is
 * written, so `outDir` stays byte for byte as it was.
 */
export async function compile(options: CompileOptions): Promise<CompileResult> {
  const { root, definitionsDir, outDir, tsconfig } = { ...defaults, ...options };
  const loaded = load({ root, definitionsDir, tsconfig });
  const diagnostics = [...loaded.diagnostics, ...check(loaded.definitions)];
  const summary = {
    diagnostics,
    sourceText: loaded.sourceText,
    definitionFiles: loaded.files,
    experiments: loaded.definitions.experiments.length,
    features: loaded.definitions.features.length,
  };
  if (hasErrors(diagnostics)) return { ...summary, ok: false, changes: [] };

  const files = await emit({ root, outDir, definitions: loaded.definitions, sources: loaded.files });
  const changes = await plan(root, outDir, files);
  if (options.check) return { ...summary, ok: changes.every((change) => change.status === "unchanged"), changes };
  await apply(root, files, changes);
  return { ...summary, ok: true, changes };
}
