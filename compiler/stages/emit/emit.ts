import { join } from "node:path";
import type { ExperimentJson, FeatureJson, JsonValue } from "prosper-runtime";
import * as prettier from "prettier";
import { toPyof } from "prosper-runtime/pyof";
import { ts } from "ts-morph";
import type { LoadedDefinitions } from "../../model/definitions.js";
import { accessorModule, generatedHeader } from "./accessors.js";
import { jsonText } from "./json-text.js";

/** A file the compiler owns, `path` relative to the project root. */
export interface OutputFile {
  readonly path: string;
  readonly content: string;
}

/**
 * What the accessor module is written as: JavaScript with declarations, as an ES module (`esm`,
 * the default: `index.js` + `index.d.ts`) or CommonJS (`cjs`: `index.cjs` + `index.d.cts`), or
 * TypeScript (`ts`: `index.ts`) for apps that compile it themselves.
 */
export type ModuleFormat = "esm" | "cjs" | "ts";
export const moduleFormats: readonly ModuleFormat[] = ["esm", "cjs", "ts"];

/** Every accessor file name any format writes: the compiler owns them all, so a format change removes the old ones. */
export const accessorFiles = ["index.js", "index.d.ts", "index.cjs", "index.d.cts", "index.ts"] as const;

export interface EmitOptions {
  readonly root: string;
  /** The output folder, relative to the root. */
  readonly outDir: string;
  readonly definitions: LoadedDefinitions;
  /** The definition files, relative to the root. */
  readonly sources: readonly string[];
  readonly format: ModuleFormat;
  /** The command that compiles, named in each generated file's header. */
  readonly command: string;
  /** Where to write PyOF's files too, for the features PyOF's shape can say (relative to the root). */
  readonly pyofDir?: string | undefined;
}

/** What emitting gives: the files, and the features left out of PyOF's files, with why. */
export interface Emitted {
  readonly files: OutputFile[];
  readonly pyofSkipped: readonly { readonly name: string; readonly why: string }[];
}

/** Folders under the output folder that hold one JSON file per definition. */
export const jsonFolders = { experiment: "experiments", feature: "features" } as const;

/**
 * Everything `generated/` should hold, formatted with prettier (so that `prettier --write .`
 * leaves it alone). Same definitions, same bytes: nothing here depends on time or machine. The
 * JSON is each document exactly as the definition helpers built it.
 */
export async function emit({
  root,
  outDir,
  definitions,
  sources,
  format,
  command,
  pyofDir,
}: EmitOptions): Promise<Emitted> {
  const experiments = definitions.experiments.map((located) => located.document);
  const features = definitions.features.map((located) => located.document);
  const file = (document: ExperimentJson | FeatureJson) => `${jsonFolders[document.kind]}/${document.name}.json`;
  const source = accessorModule({ experiments, features, sources, command });
  // The project's prettier config, looked up from its root: output written elsewhere (a test's
  // temporary folder) is formatted as generated/ would be.
  // A prettier config that cannot be read (a missing plugin, bad YAML) is the project's own
  // business: generated files are then formatted with prettier's defaults.
  const config = await prettier.resolveConfig(join(root, "package.json")).catch(() => null);
  const formatted = async (name: string, text: string, parser: string) => ({
    path: `${outDir}/${name}`,
    content: await prettier.format(text, { ...config, parser }),
  });
  const files = await Promise.all([
    ...accessorOutputs(source, format, generatedHeader(sources, command)).map(({ name, text, parser }) =>
      formatted(name, text, parser),
    ),
    ...[...experiments, ...features].map((document) =>
      formatted(file(document), jsonText(document as unknown as JsonValue), "json"),
    ),
  ]);
  const pyofSkipped: { name: string; why: string }[] = [];
  if (pyofDir !== undefined) {
    for (const { document, pyof } of definitions.features) {
      // A feature read from PyOF goes back with its source, so its numbers come out as PyOF wrote them.
      const written = toPyof(pyof ? { ...document, semantics: "pyof", pyof } : document);
      // PyOF's own bytes, not prettier's: two-space indent, no newline at the end.
      if (written.ok) files.push({ path: `${pyofDir}/${document.name}.json`, content: written.text });
      else pyofSkipped.push({ name: document.name, why: written.problems[0]?.message ?? "PyOF cannot say it" });
    }
  }
  return { files, pyofSkipped };
}

/** The accessor module in `format`: TypeScript as written, or JavaScript and declarations from it. */
function accessorOutputs(
  source: string,
  format: ModuleFormat,
  header: string,
): { name: string; text: string; parser: string }[] {
  if (format === "ts") return [{ name: "index.ts", text: source, parser: "typescript" }];
  const module = format === "esm" ? ts.ModuleKind.ESNext : ts.ModuleKind.CommonJS;
  const compilerOptions: ts.CompilerOptions = { module, target: ts.ScriptTarget.ES2020, declaration: true };
  const javascript = ts.transpileModule(source, { compilerOptions }).outputText;
  // Declarations keep no leading comment of the source: the header goes back on.
  const declarations = `${header}\n\n${ts.transpileDeclaration(source, { compilerOptions }).outputText}`;
  return format === "esm"
    ? [
        { name: "index.js", text: javascript, parser: "babel" },
        { name: "index.d.ts", text: declarations, parser: "typescript" },
      ]
    : [
        { name: "index.cjs", text: javascript, parser: "babel" },
        { name: "index.d.cts", text: declarations, parser: "typescript" },
      ];
}
