import { existsSync, readdirSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { Project, ts, type Node, type SourceFile } from "ts-morph";
import type { Diagnostic, Span } from "../diagnostics/diagnostic.js";
import { byCodeUnits } from "../order.js";
import { Evaluator } from "./evaluate.js";
import { loadCodes } from "./load-error.js";
import type { LoadedDefinitions } from "./model.js";
import { readDefinitions } from "./read-definitions.js";

export interface LoadOptions {
  /** The project root: paths in diagnostics and output are relative to it. */
  readonly root: string;
  /** The folder of definition files, relative to the root. */
  readonly definitionsDir: string;
  /** The tsconfig whose compiler options the definitions are checked with, relative to the root. */
  readonly tsconfig: string;
}

export interface Loaded {
  readonly definitions: LoadedDefinitions;
  /** The type checker's diagnostics first, then the load stage's own. */
  readonly diagnostics: readonly Diagnostic[];
  /** Definition files read, relative to the root, sorted. */
  readonly files: readonly string[];
  /** The text of a project file, for printing code frames. */
  readonly sourceText: (file: string) => string | undefined;
}

/** Loads the definitions with ts-morph into plain data, with the type checker's diagnostics. */
export function load({ root, definitionsDir, tsconfig }: LoadOptions): Loaded {
  const relativePath = (path: string) => relative(root, path).split(sep).join("/");
  const directory = join(root, definitionsDir);
  const tsconfigPath = join(root, tsconfig);
  const project = new Project({
    ...(existsSync(tsconfigPath) ? { tsConfigFilePath: tsconfigPath } : {}),
    skipAddingFilesFromTsConfig: true,
    // Definitions are data: ambient node types would only slow the type check down.
    compilerOptions: { noEmit: true, types: [] },
  });
  const sourceText = (file: string) => project.getSourceFile(join(root, file))?.getFullText();
  const empty = { experiments: [], features: [] };

  if (!existsSync(directory)) {
    const message = `no definitions folder at ${definitionsDir}`;
    return {
      definitions: empty,
      diagnostics: [{ code: loadCodes.setup, severity: "error", message }],
      files: [],
      sourceText,
    };
  }
  // Listed, not globbed: a folder named like "app (copy)" must not read as a pattern.
  const sourceFiles = readdirSync(directory, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))
    .sort(byCodeUnits)
    .map((file) => project.addSourceFileAtPath(join(directory, file)));
  const files = sourceFiles.map((file) => relativePath(file.getFilePath()));
  const defineFile = sourceFiles.length ? resolveDefine(project, sourceFiles[0]!) : undefined;
  // prosper's own sources (compiler/define/index.ts is two levels below its root) are not the
  // user's to fix: installed, they sit in node_modules; in this repository, its tests check them.
  const prosperRoot = defineFile ? dirname(dirname(dirname(defineFile))) : undefined;
  const isProsperSource = (path: string) =>
    prosperRoot !== undefined &&
    [`${prosperRoot}/compiler/`, `${prosperRoot}/runtime/`].some((dir) => path.startsWith(dir));
  const diagnostics: Diagnostic[] = typeCheckerDiagnostics(project, relativePath, isProsperSource);

  if (sourceFiles.length && !defineFile) {
    const message = `cannot resolve "prosper/define" from ${definitionsDir}: is prosper installed, and does the tsconfig use "moduleResolution": "NodeNext" or "Bundler"?`;
    diagnostics.push({ code: loadCodes.setup, severity: "error", message });
    return { definitions: empty, diagnostics, files, sourceText };
  }
  const defineDirectory = defineFile ? dirname(defineFile) + "/" : "";
  const spanOf = (node: Node): Span => ({
    file: relativePath(node.getSourceFile().getFilePath()),
    start: node.getStart(),
    length: node.getWidth(),
  });
  const evaluator = new Evaluator(spanOf, (path) => path.startsWith(defineDirectory));
  const definitions = readDefinitions(sourceFiles, evaluator, (diagnostic) => diagnostics.push(diagnostic));
  return { definitions, diagnostics, files, sourceText };
}

/** The file `prosper/define` resolves to from the definitions, as the type checker sees it. */
function resolveDefine(project: Project, from: SourceFile): string | undefined {
  const options = project.getCompilerOptions();
  const host = project.getModuleResolutionHost();
  return ts.resolveModuleName("prosper/define", from.getFilePath(), options, host).resolvedModule?.resolvedFileName;
}

/** The type checker's diagnostics for the definitions and every file of the user's that they import. */
function typeCheckerDiagnostics(
  project: Project,
  relativePath: (path: string) => string,
  isProsperSource: (path: string) => boolean,
): Diagnostic[] {
  const program = project.getProgram().compilerObject;
  const files = program
    .getSourceFiles()
    .filter(
      (file) => !file.isDeclarationFile && !file.fileName.includes("/node_modules/") && !isProsperSource(file.fileName),
    );
  const found = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...files.flatMap((file) => [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]),
  ];
  return found
    .filter((d) => d.category === ts.DiagnosticCategory.Error || d.category === ts.DiagnosticCategory.Warning)
    .map((d): Diagnostic => {
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
    });
}
