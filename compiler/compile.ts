import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import {
  changedFolders,
  changedInputs,
  folderListings,
  compilerFingerprint,
  hashFile,
  hashText,
  outputsIntact,
  readRecord,
  recordPath,
  writeRecord,
  type CacheRecord,
} from "./compile-cache.js";
import { prettier } from "./externals.js";
import { stageCodes } from "./diagnostics/codes.js";
import { hasErrors, type Diagnostic } from "./diagnostics/diagnostic.js";
import { check } from "./stages/check/check.js";
import {
  accessorFiles,
  emit,
  jsonFolders,
  newEmitCache,
  type EmitCache,
  type EmitOptions,
  type ModuleFormat,
} from "./stages/emit/emit.js";
import { apply, plan, stage, type FileChange } from "./stages/emit/write-files.js";
import { findDefinitionFiles } from "./stages/load/find-files.js";
import { findInputs, load, newLoadState, type Loaded, type LoadState } from "./stages/load/load.js";
import { certainlyNoCustomConditions } from "./stages/load/tsconfig-peek.js";
import type { DefinitionSite } from "./stages/load/source-index.js";
import {
  childEntry,
  closeRunState,
  defaultLimits,
  run,
  type RunLimits,
  type RunOptions,
  type RunResult,
  type Running,
  type RunState,
  startWaitingProcess,
} from "./stages/run/run.js";
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
  /**
   * Whether a compile may answer from the no-change cache (node_modules/.cache/prosper/) when
   * every input and every output file is as the last successful compile left it. On by default.
   */
  readonly cache?: boolean;
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
  /** Whether the no-change cache answered: nothing was checked, run or formatted. */
  readonly cached?: boolean;
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
 * A compiler that lives across compiles: a watch keeps one, so that each compile reuses what the
 * last one parsed, checked, bundled and formatted. `compile` makes one for a single compile.
 */
export interface Compiler {
  compile(): Promise<CompileResult>;
  /** Frees what it keeps (esbuild's context, its bundle folder). */
  close(): Promise<void>;
}

export function createCompiler(options: CompileOptions): Compiler {
  const state: SessionState = { load: newLoadState(), run: {}, emit: newEmitCache() };
  return {
    compile: async () => {
      try {
        return await compileOnce(options, state);
      } finally {
        startWaitingProcess(state.run);
      }
    },
    close: async () => {
      await closeRunState(state.run);
    },
  };
}

interface SessionState {
  readonly load: LoadState;
  readonly run: RunState;
  /** What the last emit made, by definition: a change re-emits only what it changed. */
  readonly emit: EmitCache;
  /** Where the last run found its definitions: the next compile locates them ahead. */
  sites?: readonly DefinitionSite[];
}

/**
 * The composition root: load (types and positions) while the definitions run, then validate
 * what they built, check it, emit, and write (or compare). On any error nothing is written, so
 * `outDir` stays byte for byte as it was. Unless `cache` is false, a compile whose inputs and
 * outputs are all as the last successful one left them answers from the no-change cache.
 */
export async function compile(options: CompileOptions): Promise<CompileResult> {
  return compileOnce(options, undefined);
}

async function compileOnce(options: CompileOptions, session: SessionState | undefined): Promise<CompileResult> {
  const { root, format, command } = { ...defaults, ...options };
  const limits = { ...defaultLimits, ...options.limits };
  const relativePath = (path: string) => relative(root, path).split(sep).join("/");
  // Paths may be given absolute or relative; from here on they are relative to the root.
  const fromRoot = (path: string) => relativePath(resolve(root, path)) || ".";
  const definitionsDir = fromRoot(options.definitionsDir ?? defaults.definitionsDir);
  const outDir = fromRoot(options.outDir ?? defaults.outDir);
  const tsconfig = fromRoot(options.tsconfig ?? defaults.tsconfig);
  const pyofDir = options.pyofDir === undefined ? undefined : fromRoot(options.pyofDir);

  // A watch knows what changed without the cache; a single compile asks it first.
  const useCache = options.cache !== false && !session;
  const cache = useCache
    ? await cacheLookup({ root, definitionsDir, outDir, tsconfig, pyofDir, format, command, limits, options })
    : undefined;
  if (cache?.hit) return cache.hit;

  // Set once the program is loaded; the run's answers arrive only after that (loading holds this thread).
  let loaded: Loaded | undefined;
  const wantsBuiltAt = (definition: DefinitionSite) => loaded?.index.needsBuiltAt(definition) ?? true;
  // A single compile starts bundling and running the definitions before TypeScript has loaded to
  // read the tsconfig, when what the run needs of it is known without TypeScript; the run is kept
  // if the tsconfig then says the same.
  const runAhead = session ? undefined : earlyRun({ root, definitionsDir, tsconfig, outDir, limits, wantsBuiltAt });
  const inputs = findInputs({ root, definitionsDir, tsconfig, tsconfigNamed: options.tsconfig !== undefined, outDir });
  return await compileInputs();

  async function compileInputs(): Promise<CompileResult> {
    const timings = stageTimings();
    // The definitions are bundled (in esbuild's process) while this thread loads the program, and
    // run in another process while the type checker works in this one.
    const runOptions: RunOptions = {
      root,
      files: inputs.files,
      tsconfig: inputs.tsconfigPath,
      conditions: inputs.compilerOptions.customConditions,
      limits,
      wantsBuiltAt,
    };
    // One not used (the tsconfig said otherwise, or a file came or went) ends unheard: earlyRun
    // handled its result.
    const useEarly = runAhead !== undefined && sameRun(runAhead.options, runOptions);
    const starting = inputs.files.length ? (useEarly ? runAhead.running : run(runOptions, session?.run)) : undefined;
    // Should loading throw, neither the bundling's failure nor the run's is left unhandled.
    starting?.then(
      (started) => started.result.catch(() => {}),
      () => {},
    );
    // A compile lets the bundle finish first, so that the definitions run while the program
    // loads (the longest step after the type check). A watch with esbuild's context already made
    // loads while esbuild rebuilds: its load is short, and the rebuild request has gone out.
    const started = session?.run.context ? undefined : await starting;
    timings.mark("bundle");
    loaded = load(root, inputs, session?.load);
    timings.mark("load");
    const running = (started ?? (await starting))?.result ?? Promise.resolve(noRun);
    timings.mark("bundle, after loading");
    let runFinished = false;
    // A side branch that only notes the end; `running` itself is awaited below.
    running.finally(() => (runFinished = true)).catch(() => {});
    // While the definitions still run (a watch's small change, checked in a moment), type check.
    await loaded.checkAhead(() => runFinished);
    timings.mark("type check ahead");
    // Then where the last run's definitions are written: this run's are mostly the same ones.
    if (session?.sites) await loaded.index.prepare(session.sites, () => runFinished);
    timings.mark("locate ahead");
    const ran = await running;
    timings.mark("wait for the definitions to run");
    if (session) session.sites = ran.definitions.map(({ file, exportName, path }) => ({ file, exportName, path }));
    // A syntax error is reported by the type checker; esbuild would only repeat it, and nothing ran.
    const usable = loaded.syntaxErrors ? noRun : ran;
    const files = inputs.files.map(relativePath);
    const validated = validate(usable, loaded.index, files);
    const ruleFindings = check(validated.definitions);
    timings.mark("validate and check");
    const emitOptions: EmitOptions = {
      root,
      outDir,
      definitions: {
        experiments: validated.definitions.experiments.map(({ document }) => ({ document })),
        features: validated.definitions.features.map(({ document, pyof }) => ({ document, pyof })),
      },
      sources: files,
      format,
      command,
      pyofDir,
      cache: session?.emit,
    };
    async function emitAndPlan(stageNow: boolean) {
      const emitted = await emit(emitOptions);
      timings.mark("emit");
      const changes = plan(root, outDir, emitted.files, pyofDir);
      timings.mark("compare with the output folder");
      const blocked = changes.some((change) => change.status === "blocked");
      const staging = stageNow && !blocked ? stage(root, outDir, emitted.files, changes) : undefined;
      return { emitted, changes, staging };
    }
    const outputFolderIsFile = existsSync(resolve(root, outDir)) && !statSync(resolve(root, outDir)).isDirectory();
    const strictly = (found: Diagnostic[]) =>
      options.strict
        ? found.map((diagnostic): Diagnostic =>
            diagnostic.severity === "warning" ? { ...diagnostic, severity: "error" } : diagnostic,
          )
        : found;
    // In this thread: the accessor module is written as text, piece by piece, with nothing to
    // transpile or format, so a thread of its own would cost more to start than it saves. When
    // nothing so far rules the output out, it is emitted and staged before the type check, the
    // files written off this thread while the checker works; a type error only discards them.
    const early =
      !options.check &&
      !outputFolderIsFile &&
      !loaded.syntaxErrors &&
      !hasErrors(strictly([...inputs.diagnostics, ...validated.diagnostics, ...ruleFindings])) &&
      existsSync(dirname(resolve(root, outDir)))
        ? await emitAndPlan(true)
        : undefined;
    const found = [...inputs.diagnostics, ...loaded.diagnostics, ...validated.diagnostics, ...ruleFindings];
    timings.mark("type check (diagnostics)");
    const diagnostics = strictly(found);
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
    if (hasErrors(diagnostics)) {
      await early?.staging?.close();
      return { ...summary, ok: false, changes: [] };
    }

    if (outputFolderIsFile) {
      const message = `the output folder ${outDir} is a file: choose a folder (the "out" setting, or --out)`;
      const notAFolder: Diagnostic = { code: stageCodes.setup, severity: "error", message };
      return { ...summary, diagnostics: [...diagnostics, notAFolder], ok: false, changes: [] };
    }
    const { emitted, changes, staging } = early ?? (await emitAndPlan(false));
    const outputs = emitted.files;
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
    const ok = !options.check || changes.every((change) => change.status === "unchanged");
    if (!options.check) await apply(root, outDir, outputs, changes, staging);
    timings.mark("write");
    timings.report();
    if (cache && ok) {
      // Every file that went in: what the type checker checked (the text it checked, so that an
      // edit made while it ran is a change next time), what esbuild bundled, and the tsconfig.
      const inputHashes: Record<string, string> = {};
      for (const { path, text } of loaded.programFiles) inputHashes[path] = hashText(text);
      // The tsconfig and any it extends; the project's package.json (its "type" decides how .ts files load).
      const configFiles = [
        ...(inputs.tsconfigPath ? [inputs.tsconfigPath] : []),
        ...((inputs.compilerOptions.configFile as { extendedSourceFiles?: string[] } | undefined)
          ?.extendedSourceFiles ?? []),
        join(root, "package.json"),
      ];
      for (const path of [...(ran.inputs ?? []), ...configFiles]) {
        if (!(path in inputHashes)) inputHashes[path] = hashFile(path) ?? "";
      }
      // A file that changed while this compile ran (its hash now is not the one the lookup saw): the record would lie.
      const stale = Object.entries(cache.seen).some(
        ([path, hash]) => path in inputHashes && inputHashes[path] !== hash,
      );
      if (!stale && !loaded.syntaxErrors) {
        writeRecord(cache.path, {
          root,
          key: cache.key,
          definitionFiles: inputs.files,
          inputs: inputHashes,
          folders: folderListings(Object.keys(inputHashes)),
          outputs: Object.fromEntries(outputs.map((file) => [file.path, hashText(file.content)])),
          ownedFolders: [
            ...Object.values(jsonFolders).map((folder) => `${outDir}/${folder}`),
            ...(pyofDir === undefined ? [] : [pyofDir]),
          ],
          ownedFiles: accessorFiles.map((name) => `${outDir}/${name}`),
          summary: {
            diagnostics: written.diagnostics,
            definitionFiles: written.definitionFiles,
            experiments: written.experiments,
            features: written.features,
            output: written.output,
            inputs: written.inputs,
            pyofSkipped: written.pyofSkipped,
          },
        });
      }
    }
    return { ...written, ok, changes };
  }
}

interface CacheLookup {
  readonly path: string | undefined;
  readonly key: string;
  /** Hashes of the recorded inputs as the lookup found them. */
  readonly seen: Readonly<Record<string, string>>;
  readonly hit?: CompileResult;
}

/**
 * The no-change cache, asked before anything is parsed: a result when every input and output is
 * as the last successful compile left it, else what the compile needs to record its own.
 */
async function cacheLookup(settings: {
  root: string;
  definitionsDir: string;
  outDir: string;
  tsconfig: string;
  pyofDir: string | undefined;
  format: ModuleFormat;
  command: string;
  limits: RunLimits;
  options: CompileOptions;
}): Promise<CacheLookup> {
  const { root, definitionsDir, outDir, tsconfig, pyofDir, format, command, limits, options } = settings;
  // The prettier config shapes every output file; prettier is cheap to load, TypeScript is not.
  const prettierConfig = await prettier()
    .resolveConfig(join(root, "package.json"))
    .catch(() => null);
  const key = hashText(
    JSON.stringify({
      compiler: compilerFingerprint(childEntry()),
      root,
      definitionsDir,
      outDir,
      tsconfig,
      tsconfigNamed: options.tsconfig !== undefined,
      pyofDir: pyofDir ?? null,
      format,
      command,
      limits,
      strict: options.strict ?? false,
      prettierConfig,
    }),
  );
  const path = recordPath(root, JSON.stringify([root, outDir]));
  const record = readRecord(path, key);
  if (!record) return { path, key, seen: {} };
  const seen: Record<string, string> = {};
  const changed = new Set(changedInputs(record));
  for (const [file, hash] of Object.entries(record.inputs)) if (!changed.has(file)) seen[file] = hash;
  const miss = { path, key, seen };
  if (changed.size || changedFolders(record).length) return miss;
  // The same definition files (one added or removed is a change no recorded hash shows).
  const definitionsFolder = join(root, definitionsDir);
  if (!existsSync(definitionsFolder)) return miss;
  const found = findDefinitionFiles(root, definitionsFolder, outDir);
  if (found.diagnostics.length || found.files.join("\n") !== record.definitionFiles.join("\n")) return miss;
  // A tsconfig that appeared where there was none.
  const tsconfigPath = join(root, tsconfig);
  if (!(tsconfigPath in record.inputs) && existsSync(tsconfigPath)) return miss;
  if (!outputsIntact(root, record)) return miss;
  const sourceText = (file: string) => {
    try {
      return readFileSync(join(root, file), "utf8");
    } catch {
      return undefined;
    }
  };
  const hit: CompileResult = {
    ...(record.summary as Omit<CacheRecord["summary"], "diagnostics"> & { diagnostics: readonly Diagnostic[] }),
    sourceText,
    ok: true,
    changes: Object.keys(record.outputs).map((file) => ({ path: file, status: "unchanged" as const })),
    cached: true,
  };
  return { ...miss, hit };
}

/**
 * The run a single compile can start before TypeScript loads: when the definitions folder lists
 * cleanly and the tsconfig (with what it extends) certainly sets no customConditions.
 */
function earlyRun(settings: {
  root: string;
  definitionsDir: string;
  tsconfig: string;
  outDir: string;
  limits: RunLimits;
  wantsBuiltAt: RunOptions["wantsBuiltAt"];
}): { readonly options: RunOptions; readonly running: Promise<Running> } | undefined {
  const { root, limits, wantsBuiltAt } = settings;
  try {
    const tsconfigPath = join(root, settings.tsconfig);
    const directory = join(root, settings.definitionsDir);
    if (!existsSync(directory) || !statSync(directory).isDirectory() || !existsSync(tsconfigPath)) return undefined;
    if (!certainlyNoCustomConditions(tsconfigPath)) return undefined;
    const found = findDefinitionFiles(root, directory, settings.outDir);
    if (!found.files.length || found.diagnostics.length) return undefined;
    const options: RunOptions = { root, files: found.files, tsconfig: tsconfigPath, limits, wantsBuiltAt };
    const running = run(options);
    // Should it go unused (or the compile end early), nothing about it is left unhandled.
    running.then(
      (started) => started.result.catch(() => {}),
      () => {},
    );
    return { options, running };
  } catch {
    return undefined;
  }
}

/** Whether a run started with `a` is the run `b` asks for. */
function sameRun(a: RunOptions, b: RunOptions): boolean {
  const conditions = (options: RunOptions) => (options.conditions ?? []).join("\0");
  return (
    a.root === b.root &&
    a.tsconfig === b.tsconfig &&
    a.limits === b.limits &&
    conditions(a) === conditions(b) &&
    a.files.length === b.files.length &&
    a.files.every((file, index) => file === b.files[index])
  );
}

/**
 * Where a compile's time goes, on stderr when PROSPER_TIMINGS is set (for the compile bench and
 * whoever profiles a slow project); nothing otherwise.
 */
function stageTimings() {
  const enabled = Boolean(process.env["PROSPER_TIMINGS"]);
  let last = performance.now();
  const marks: string[] = [];
  return {
    mark(stage: string) {
      if (!enabled) return;
      const now = performance.now();
      marks.push(`${stage} ${(now - last).toFixed(0)} ms`);
      last = now;
    },
    report() {
      if (enabled) process.stderr.write(`prosper timings: ${marks.join(", ")}\n`);
    },
  };
}
