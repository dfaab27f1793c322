import { existsSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, sep } from "node:path";
import { ts } from "ts-morph";
import { stageCodes } from "../../diagnostics/codes.js";
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import { findDefinitionFiles } from "./find-files.js";
import { sourceIndex, type SourceIndex } from "./source-index.js";

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
  /** Whether a file has a syntax error, so running it can only repeat that. */
  readonly syntaxErrors: boolean;
  /** The text of a file, for positions and code frames: the program's files, else read from disk. */
  readonly sourceText: (file: string) => string | undefined;
  /** Where each definition and each of its parts is written. */
  readonly index: SourceIndex;
  /** The user's source files the definitions are made of (absolute): what a watch must watch. */
  readonly sourceFiles: readonly string[];
}

// Without a tsconfig, check the definitions as a modern ESM TypeScript project would.
const fallbackOptions: ts.CompilerOptions = {
  strict: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  resolveJsonModule: true,
};

const relativeTo = (root: string) => (path: string) => relative(root, path).split(sep).join("/");

/** Finds the definition files and the tsconfig, and says what keeps them from compiling at all. */
export function findInputs({ root, definitionsDir, tsconfig, tsconfigNamed = false, outDir }: LoadOptions): Inputs {
  const relativePath = relativeTo(root);
  const directory = join(root, definitionsDir);
  const tsconfigPath = join(root, tsconfig);
  const setupProblem = (message: string, file?: string): Inputs => ({
    files: [],
    compilerOptions: fallbackOptions,
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
  const config = hasTsconfig ? readTsconfig(tsconfigPath, relativePath) : { options: fallbackOptions, problems: [] };
  if (config.problems.length) return { files: [], compilerOptions: fallbackOptions, diagnostics: config.problems };
  return {
    files: found.files,
    tsconfigPath: hasTsconfig ? tsconfigPath : undefined,
    // Definitions are data: ambient node types would only slow the type check down.
    compilerOptions: { ...config.options, noEmit: true, types: [] },
    diagnostics: found.diagnostics,
  };
}

/**
 * Loads the definition files with the type checker: its diagnostics, and an index of source
 * positions (through ts-morph). It reads no values: those come from running the files.
 */
export function load(root: string, inputs: Inputs): Loaded {
  const relativePath = relativeTo(root);
  const diskText = new Map<string, string | undefined>();
  const options = inputs.compilerOptions;
  const host = ts.createCompilerHost(options);
  // ts-morph's copy of TypeScript carries no lib files on disk: read them from the typescript package.
  const libFolder = dirname(createRequire(import.meta.url).resolve("typescript/lib/lib.d.ts"));
  host.getDefaultLibLocation = () => libFolder;
  host.getDefaultLibFileName = (compilerOptions) => join(libFolder, ts.getDefaultLibFileName(compilerOptions));
  // The compiler API itself, not a ts-morph Project: ts-morph's document registry does not give
  // source files their module format, so a .cts file would be checked as an ES module.
  const program = ts.createProgram({ rootNames: inputs.files, options, host });
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
  const [first] = inputs.files;
  const defineFile = first
    ? ts.resolveModuleName("prosper/define", first, options, host).resolvedModule?.resolvedFileName
    : undefined;
  // prosper's own sources (compiler/define/index.ts is two levels below its root) are not the
  // user's to fix: installed, they sit in node_modules; in this repository, its tests check them.
  const prosperRoot = defineFile ? dirname(dirname(dirname(defineFile))) : undefined;
  const ownFolders = prosperRoot ? [`${prosperRoot}/compiler/`, `${prosperRoot}/runtime/`] : [];
  const checked = typeCheckerDiagnostics(program, relativePath, (path) =>
    ownFolders.some((folder) => path.startsWith(folder)),
  );
  const diagnostics: Diagnostic[] = [...checked.diagnostics];
  if (first && !defineFile) {
    const message = `cannot resolve "prosper/define" from the definitions: is prosper installed, and does the tsconfig use "moduleResolution": "NodeNext" or "Bundler"?`;
    diagnostics.push({ code: stageCodes.setup, severity: "error", message });
  }
  return {
    diagnostics,
    syntaxErrors: checked.syntaxErrors,
    sourceText,
    index: sourceIndex(program, relativePath),
    sourceFiles: checked.files,
  };
}

/** A tsconfig's compiler options, or its problems (a file TypeScript cannot parse) as diagnostics. */
function readTsconfig(
  path: string,
  relativePath: (path: string) => string,
): { options: ts.CompilerOptions; problems: Diagnostic[] } {
  const problems: ts.Diagnostic[] = [];
  const parsed = ts.getParsedCommandLineOfConfigFile(
    path,
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (diagnostic) => problems.push(diagnostic) },
  );
  // 18003: no files match its "include"; the definitions are given by folder, not by the tsconfig.
  problems.push(...(parsed?.errors ?? []).filter((d) => d.code !== 18003));
  return { options: parsed?.options ?? {}, problems: problems.map((d) => toDiagnostic(d, relativePath)) };
}

/** The type checker's diagnostics for the definitions and every file of the user's that they import. */
function typeCheckerDiagnostics(
  program: ts.Program,
  relativePath: (path: string) => string,
  isProsperSource: (path: string) => boolean,
): { diagnostics: Diagnostic[]; syntaxErrors: boolean; files: string[] } {
  const files = program
    .getSourceFiles()
    .filter(
      (file) => !file.isDeclarationFile && !file.fileName.includes("/node_modules/") && !isProsperSource(file.fileName),
    );
  const syntactic = files.flatMap((file) => program.getSyntacticDiagnostics(file));
  const found: ts.Diagnostic[] = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics(), ...syntactic];
  const overflowed: Diagnostic[] = [];
  for (const file of files) {
    try {
      found.push(...program.getSemanticDiagnostics(file));
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
    .filter((d) => d.category === ts.DiagnosticCategory.Error || d.category === ts.DiagnosticCategory.Warning)
    .map((d) => toDiagnostic(d, relativePath));
  return {
    diagnostics: [...converted, ...overflowed, ...files.flatMap((file) => prototypeSetters(file, relativePath))],
    syntaxErrors: syntactic.some((d) => d.category === ts.DiagnosticCategory.Error),
    files: files.map((file) => file.fileName),
  };
}

/**
 * `__proto__: value` (or `"__proto__": value`) in an object literal sets the object's prototype
 * instead of adding a key, so what it holds silently drops out of the definition: a variant
 * vanishes, a pasted JSON value loses members. Running the code cannot see what is not there.
 */
function prototypeSetters(file: ts.SourceFile, relativePath: (path: string) => string): Diagnostic[] {
  const found: Diagnostic[] = [];
  const stack: ts.Node[] = [file];
  for (let node = stack.pop(); node; node = stack.pop()) {
    if (
      ts.isPropertyAssignment(node) &&
      (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name)) &&
      node.name.text === "__proto__"
    ) {
      found.push({
        code: stageCodes.notJson,
        severity: "error",
        message: `"__proto__: ..." in an object literal sets the object's prototype, it does not add a key, so the value it gives drops out of the definition; remove it or use another name`,
        span: { file: relativePath(file.fileName), start: node.name.getStart(file), length: node.name.getWidth(file) },
      });
    }
    ts.forEachChild(node, (child) => {
      stack.push(child);
    });
  }
  return found.sort((a, b) => a.span!.start - b.span!.start);
}

function toDiagnostic(d: ts.Diagnostic, relativePath: (path: string) => string): Diagnostic {
  const span = (file: ts.SourceFile | undefined, start: number | undefined, length: number | undefined) =>
    file && start !== undefined ? { span: { file: relativePath(file.fileName), start, length: length ?? 0 } } : {};
  const related = (d.relatedInformation ?? [])
    .filter((r) => r.file && r.start !== undefined)
    .map((r) => ({
      message: ts.flattenDiagnosticMessageText(r.messageText, "\n"),
      span: span(r.file, r.start, r.length).span!,
    }));
  return {
    code: `TS${d.code}`,
    severity: d.category === ts.DiagnosticCategory.Error ? "error" : "warning",
    message: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
    ...span(d.file, d.start, d.length),
    ...(related.length ? { related } : {}),
  };
}
