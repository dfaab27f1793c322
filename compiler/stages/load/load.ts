import { existsSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, sep } from "node:path";
import type { ts } from "ts-morph";
import { typescript } from "../../externals.js";
import { stageCodes } from "../../diagnostics/codes.js";
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import { hashText } from "../../compile-cache.js";
import { findDefinitionFiles } from "./find-files.js";
import { sourceIndex, type AnchorCache, type SourceIndex } from "./source-index.js";

export interface LoadOptions {
  /** The project root: paths in diagnostics and output are relative to it. */
  readonly root: string;
  /** The folder of definition files, relative to the root. */
  readonly definitionsDir: string;
  /** The tsconfig whose compiler options the definitions are checked with, relative to the root. */
  readonly tsconfig: string;
  /** Whether the user named the tsconfig (then it must exist) or it is the default (then it may not). */
  readonly tsconfigNamed?: boolean;
  /** The output folder, relative to the root: never read as input, even inside the definitions folder. */
  readonly outDir?: string;
}

/** What there is to compile, found before anything is parsed or run. */
export interface Inputs {
  /** Definition files, absolute, in compile order. */
  readonly files: readonly string[];
  /** The tsconfig that applies, absolute, when there is one. */
  readonly tsconfigPath?: string | undefined;
  /** The compiler options the definitions are checked with. */
  readonly compilerOptions: ts.CompilerOptions;
  /** Set-up problems: no definitions, a bad tsconfig, a broken link. */
  readonly diagnostics: readonly Diagnostic[];
}

export interface Loaded {
  /** The type checker's diagnostics, and set-up problems it reveals. */
  readonly diagnostics: readonly Diagnostic[];
  /**
   * Type checks the user's files one at a time until `enough()` says so, turning the event loop
   * between files: time a compile would spend waiting goes to the checker, and `diagnostics`
   * then finds those files checked.
   */
  checkAhead(enough: () => boolean): Promise<void>;
  /** Whether a file has a syntax error, so running it can only repeat that. */
  readonly syntaxErrors: boolean;
  /** The text of a file, for positions and code frames: the program's files, else read from disk. */
  readonly sourceText: (file: string) => string | undefined;
  /** Where each definition and each of its parts is written. */
  readonly index: SourceIndex;
  /** The user's source files the definitions are made of (absolute): what a watch must watch. */
  readonly sourceFiles: readonly string[];
  /** Every file of the program but TypeScript's own libs (absolute), with the text it was checked with. */
  readonly programFiles: readonly { readonly path: string; readonly text: string }[];
}

// Without a tsconfig, check the definitions as a modern ESM TypeScript project would.
const fallbackOptions = (): ts.CompilerOptions => ({
  strict: true,
  target: typescript().ScriptTarget.ES2022,
  module: typescript().ModuleKind.NodeNext,
  moduleResolution: typescript().ModuleResolutionKind.NodeNext,
  resolveJsonModule: true,
});

const relativeTo = (root: string) => (path: string) => relative(root, path).split(sep).join("/");

/** Finds the definition files and the tsconfig, and says what keeps them from compiling at all. */
export function findInputs({ root, definitionsDir, tsconfig, tsconfigNamed = false, outDir }: LoadOptions): Inputs {
  const relativePath = relativeTo(root);
  const directory = join(root, definitionsDir);
  const tsconfigPath = join(root, tsconfig);
  const setupProblem = (message: string, file?: string): Inputs => ({
    files: [],
    compilerOptions: fallbackOptions(),
    diagnostics: [
      {
        code: stageCodes.setup,
        severity: "error",
        message,
        ...(file ? { span: { file: relativePath(file), start: 0, length: 0 } } : {}),
      },
    ],
  });
  if (!existsSync(directory) || !statSync(directory).isDirectory())
    return setupProblem(`no definitions folder at ${definitionsDir}/`);
  const found = findDefinitionFiles(root, directory, outDir);
  if (!found.files.length && !found.diagnostics.length) {
    return setupProblem(
      `no definition files in ${definitionsDir}/: add one (a .ts file that exports experiment(...) or feature(...) definitions)`,
      directory,
    );
  }
  const hasTsconfig = existsSync(tsconfigPath);
  if (tsconfigNamed && !hasTsconfig) return setupProblem(`the tsconfig ${tsconfig} does not exist`, tsconfigPath);
  const config = hasTsconfig ? readTsconfig(tsconfigPath, relativePath) : { options: fallbackOptions(), problems: [] };
  if (config.problems.length) return { files: [], compilerOptions: fallbackOptions(), diagnostics: config.problems };
  return {
    files: found.files,
    tsconfigPath: hasTsconfig ? tsconfigPath : undefined,
    // Definitions are data: ambient node types would only slow the type check down.
    compilerOptions: { ...config.options, noEmit: true, types: [] },
    diagnostics: found.diagnostics,
  };
}

/**
 * What a watch keeps from one compile to the next: parsed files (reused while their text is the
 * same) and the previous program, so that only the files a change affects are checked again.
 */
export interface LoadState {
  readonly parsed: Map<string, { readonly text: string; readonly file: ts.SourceFile }>;
  builder?: ts.SemanticDiagnosticsBuilderProgram;
  /** Where definitions were found, kept for files that did not change. */
  readonly anchors: AnchorCache;
}

export const newLoadState = (): LoadState => ({ parsed: new Map(), anchors: new Map() });

/**
 * Loads the definition files with the type checker: its diagnostics, and an index of source
 * positions (through ts-morph). It reads no values: those come from running the files. With a
 * `state` (a watch), it reuses what the last load parsed and checked where nothing changed.
 */
export function load(root: string, inputs: Inputs, state?: LoadState): Loaded {
  const relativePath = relativeTo(root);
  const diskText = new Map<string, string | undefined>();
  const options = inputs.compilerOptions;
  const host = typescript().createCompilerHost(options);
  // As tsc parses: JSDoc only where it can change a type error (TypeScript's lib files are mostly
  // JSDoc, and nothing here reads it). Parsing every comment made loading the program 25% longer.
  host.jsDocParsingMode = typescript().JSDocParsingMode.ParseForTypeErrors;
  // ts-morph's copy of TypeScript carries no lib files on disk: read them from the typescript package.
  const libFolder = dirname(createRequire(import.meta.url).resolve("typescript/lib/lib.d.ts"));
  host.getDefaultLibLocation = () => libFolder;
  host.getDefaultLibFileName = (compilerOptions) =>
    join(libFolder, typescript().getDefaultLibFileName(compilerOptions));
  if (state) {
    const parse = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
      const format =
        typeof languageVersion === "object"
          ? `${languageVersion.languageVersion}/${languageVersion.impliedNodeFormat}`
          : `${languageVersion}`;
      const key = `${format} ${fileName}`;
      const known = state.parsed.get(key);
      // TypeScript's own lib files do not change while it runs.
      if (known && fileName.startsWith(libFolder)) return known.file;
      const text = host.readFile(fileName);
      if (known && known.text === text) return known.file;
      const file = parse(fileName, languageVersion, onError, shouldCreate);
      if (!file || text === undefined) return file;
      // The builder tells changed files from unchanged ones by this version.
      (file as { version?: string }).version = hashText(file.text);
      state.parsed.set(key, { text: file.text, file });
      return file;
    };
  }
  // The compiler API itself, not a ts-morph Project: ts-morph's document registry does not give
  // source files their module format, so a .cts file would be checked as an ES module.
  const builder = state
    ? (state.builder = typescript().createSemanticDiagnosticsBuilderProgram(inputs.files, options, host, state.builder))
    : undefined;
  const program = builder
    ? builder.getProgram()
    : typescript().createProgram({ rootNames: inputs.files, options, host });
  const sourceText = (file: string) => {
    const path = join(root, file);
    const inProgram = program.getSourceFile(path)?.text;
    if (inProgram !== undefined) return inProgram;
    if (!diskText.has(path)) {
      try {
        diskText.set(path, statSync(path).isFile() ? readFileSync(path, "utf8") : undefined);
      } catch {
        diskText.set(path, undefined);
      }
    }
    return diskText.get(path);
  };
  // Files no longer in the program keep nothing.
  for (const file of state?.anchors.keys() ?? []) if (!program.getSourceFile(file)) state!.anchors.delete(file);
  const [first] = inputs.files;
  const defineFile = first
    ? typescript().resolveModuleName("prosper/define", first, options, host).resolvedModule?.resolvedFileName
    : undefined;
  // prosper's own sources (compiler/define/index.ts is two levels below its root) are not the
  // user's to fix: installed, they sit in node_modules; in this repository, its tests check them.
  const prosperRoot = defineFile ? dirname(dirname(dirname(defineFile))) : undefined;
  const ownFolders = prosperRoot ? [`${prosperRoot}/compiler/`, `${prosperRoot}/runtime/`] : [];
  const isProsperSource = (path: string) => ownFolders.some((folder) => path.startsWith(folder));
  const userFiles = userSourceFiles(program, isProsperSource);
  const syntaxErrors = userFiles.some((file) =>
    (builder ?? program)
      .getSyntacticDiagnostics(file)
      .some((d) => d.category === typescript().DiagnosticCategory.Error),
  );
  // The type check is the longest step: it runs file by file in `checkAhead` while the
  // definitions run, and what is left when its diagnostics are first asked for.
  let diagnostics: Diagnostic[] | undefined;
  const typeCheck = (): Diagnostic[] => {
    if (diagnostics) return diagnostics;
    const checked = typeCheckerDiagnostics(userFiles, builder ?? program, relativePath);
    diagnostics = [...checked.diagnostics];
    if (first && !defineFile) {
      const message = `cannot resolve "prosper/define" from the definitions: is prosper installed, and does the tsconfig use "moduleResolution": "NodeNext" or "Bundler"?`;
      diagnostics.push({ code: stageCodes.setup, severity: "error", message });
    }
    return diagnostics;
  };
  return {
    get diagnostics() {
      return typeCheck();
    },
    async checkAhead(enough) {
      for (const file of userFiles) {
        if (enough() || diagnostics) return;
        try {
          // Kept by the program (the builder, in a watch) for the full check to find.
          (builder ?? program).getSemanticDiagnostics(file);
        } catch {
          // Too deep for the checker's stack: the full check meets it again and says so.
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (enough() || diagnostics) return;
      try {
        // Every file checked: what remains (global diagnostics, the messages) is done now too.
        typeCheck();
      } catch {
        // Asked for again by the compile, which then reports it.
      }
    },
    syntaxErrors,
    sourceText,
    index: sourceIndex(
      program,
      relativePath,
      state && builder ? { cache: state.anchors, dependencies: (file) => builder.getAllDependencies(file) } : undefined,
    ),
    sourceFiles: userFiles.map((file) => file.fileName),
    programFiles: program
      .getSourceFiles()
      .filter((file) => !file.fileName.startsWith(libFolder))
      .map((file) => ({ path: file.fileName, text: file.text })),
  };
}

/** The user's own files in the program: not declarations, not in node_modules, not prosper's. */
function userSourceFiles(program: ts.Program, isProsperSource: (path: string) => boolean): ts.SourceFile[] {
  return program
    .getSourceFiles()
    .filter(
      (file) => !file.isDeclarationFile && !file.fileName.includes("/node_modules/") && !isProsperSource(file.fileName),
    );
}

/** A tsconfig's compiler options, or its problems (a file TypeScript cannot parse) as diagnostics. */
function readTsconfig(
  path: string,
  relativePath: (path: string) => string,
): { options: ts.CompilerOptions; problems: Diagnostic[] } {
  const problems: ts.Diagnostic[] = [];
  const parsed = typescript().getParsedCommandLineOfConfigFile(
    path,
    {},
    { ...typescript().sys, onUnRecoverableConfigFileDiagnostic: (diagnostic) => problems.push(diagnostic) },
  );
  // 18003: no files match its "include"; the definitions are given by folder, not by the tsconfig.
  problems.push(...(parsed?.errors ?? []).filter((d) => d.code !== 18003));
  return { options: parsed?.options ?? {}, problems: problems.map((d) => toDiagnostic(d, relativePath)) };
}

/** The type checker's diagnostics for the definitions and every file of the user's that they import. */
function typeCheckerDiagnostics(
  files: readonly ts.SourceFile[],
  checker: {
    getSyntacticDiagnostics(file: ts.SourceFile): readonly ts.Diagnostic[];
    getSemanticDiagnostics(file: ts.SourceFile): readonly ts.Diagnostic[];
    getOptionsDiagnostics(): readonly ts.Diagnostic[];
    getGlobalDiagnostics(): readonly ts.Diagnostic[];
  },
  relativePath: (path: string) => string,
): { diagnostics: Diagnostic[] } {
  const syntactic = files.flatMap((file) => checker.getSyntacticDiagnostics(file));
  const found: ts.Diagnostic[] = [...checker.getOptionsDiagnostics(), ...checker.getGlobalDiagnostics(), ...syntactic];
  const overflowed: Diagnostic[] = [];
  for (const file of files) {
    try {
      found.push(...checker.getSemanticDiagnostics(file));
    } catch (error) {
      // TypeScript recurses over the syntax tree: nesting hundreds of levels deep exhausts its stack.
      if (!(error instanceof RangeError)) throw error;
      overflowed.push({
        code: stageCodes.setup,
        severity: "error",
        message: `the type checker ran out of stack on this file: it nests too deeply (hundreds of levels); build deep structures in a loop, or flatten them`,
        span: { file: relativePath(file.fileName), start: 0, length: 0 },
      });
    }
  }
  const converted = found
    .filter(
      (d) =>
        d.category === typescript().DiagnosticCategory.Error || d.category === typescript().DiagnosticCategory.Warning,
    )
    .map((d) => toDiagnostic(d, relativePath));
  return {
    diagnostics: [...converted, ...overflowed, ...files.flatMap((file) => prototypeSetters(file, relativePath))],
  };
}

/**
 * `__proto__: value` (or `"__proto__": value`) in an object literal sets the object's prototype
 * instead of adding a key, so what it holds silently drops out of the definition: a variant
 * vanishes, a pasted JSON value loses members. Running the code cannot see what is not there.
 */
function prototypeSetters(file: ts.SourceFile, relativePath: (path: string) => string): Diagnostic[] {
  // A watch's program keeps the files that did not change: their answer is the same.
  const path = relativePath(file.fileName);
  const known = settersFound.get(file);
  if (known?.path === path) return known.found;
  const found: Diagnostic[] = [];
  const stack: ts.Node[] = [file];
  for (let node = stack.pop(); node; node = stack.pop()) {
    if (
      typescript().isPropertyAssignment(node) &&
      (typescript().isIdentifier(node.name) || typescript().isStringLiteral(node.name)) &&
      node.name.text === "__proto__"
    ) {
      found.push({
        code: stageCodes.notJson,
        severity: "error",
        message: `"__proto__: ..." in an object literal sets the object's prototype, it does not add a key, so the value it gives drops out of the definition; remove it or use another name`,
        span: { file: path, start: node.name.getStart(file), length: node.name.getWidth(file) },
      });
    }
    typescript().forEachChild(node, (child) => {
      stack.push(child);
    });
  }
  found.sort((a, b) => a.span!.start - b.span!.start);
  settersFound.set(file, { path, found });
  return found;
}

const settersFound = new WeakMap<ts.SourceFile, { readonly path: string; readonly found: Diagnostic[] }>();

function toDiagnostic(d: ts.Diagnostic, relativePath: (path: string) => string): Diagnostic {
  const span = (file: ts.SourceFile | undefined, start: number | undefined, length: number | undefined) =>
    file && start !== undefined ? { span: { file: relativePath(file.fileName), start, length: length ?? 0 } } : {};
  const related = (d.relatedInformation ?? [])
    .filter((r) => r.file && r.start !== undefined)
    .map((r) => ({
      message: typescript().flattenDiagnosticMessageText(r.messageText, "\n"),
      span: span(r.file, r.start, r.length).span!,
    }));
  return {
    code: `TS${d.code}`,
    severity: d.category === typescript().DiagnosticCategory.Error ? "error" : "warning",
    message: typescript().flattenDiagnosticMessageText(d.messageText, "\n"),
    ...span(d.file, d.start, d.length),
    ...(related.length ? { related } : {}),
  };
}
