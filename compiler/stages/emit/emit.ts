import { join } from "node:path";
import type { ExperimentJson, FeatureJson, JsonValue, PyofRecord } from "prosper-runtime";
import { toPyof } from "prosper-runtime/pyof";
import { prettier } from "../../externals.js";
import { accessorDeclarations, accessorModule, type AccessorInput } from "./accessors.js";
import { DocumentMemo } from "./code-text.js";
import { formattedJson, jsonLayout, jsonText } from "./json-text.js";

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
  readonly definitions: EmitDefinitions;
  /** The definition files, relative to the root. */
  readonly sources: readonly string[];
  readonly format: ModuleFormat;
  /** The command that compiles, named in each generated file's header. */
  readonly command: string;
  /** Where to write PyOF's files too, for the features PyOF's shape can say (relative to the root). */
  readonly pyofDir?: string | undefined;
  /** A watch's memory of what it formatted and wrote last time, to skip redoing the same. */
  readonly cache?: EmitCache | undefined;
}

/**
 * JSON formatted by prettier (for a config the JSON printer cannot follow) by what was formatted,
 * and what was made of each document (its JSON file, its pieces of the accessor module) by the
 * document's text.
 */
export interface EmitCache {
  formatted: Map<string, string>;
  readonly documents: DocumentMemo;
}

export const newEmitCache = (): EmitCache => ({ formatted: new Map(), documents: new DocumentMemo() });

/** The documents to write: what emit needs of the loaded definitions. */
export interface EmitDefinitions {
  readonly experiments: readonly { readonly document: ExperimentJson }[];
  readonly features: readonly { readonly document: FeatureJson; readonly pyof?: PyofRecord | undefined }[];
}

/** What emitting gives: the files, and the features left out of PyOF's files, with why. */
export interface Emitted {
  readonly files: OutputFile[];
  readonly pyofSkipped: readonly { readonly name: string; readonly why: string }[];
}

/** Folders under the output folder that hold one JSON file per definition. */
export const jsonFolders = { experiment: "experiments", feature: "features" } as const;

/**
 * Everything `generated/` should hold. Same definitions, same bytes: nothing here depends on time
 * or machine. The JSON is each document exactly as the definition helpers built it, laid out as
 * the project's prettier would (so that `prettier --write .` leaves it alone); the accessor module
 * is written in its language directly, laid out by construction and formatted by nothing (see the
 * README's decisions: `prosper init` lists the output folder in .prettierignore).
 */
export async function emit({
  root,
  outDir,
  definitions,
  sources,
  format,
  command,
  pyofDir,
  cache,
}: EmitOptions): Promise<Emitted> {
  const experiments = definitions.experiments.map((located) => located.document);
  const features = definitions.features.map((located) => located.document);
  const file = (document: ExperimentJson | FeatureJson) => `${jsonFolders[document.kind]}/${document.name}.json`;
  // The project's prettier config, looked up from its root: output written elsewhere (a test's
  // temporary folder) is formatted as generated/ would be.
  // A prettier config that cannot be read (a missing plugin, bad YAML) is the project's own
  // business: generated files are then formatted with prettier's defaults.
  const config = await prettier()
    .resolveConfig(join(root, "package.json"))
    .catch(() => null);
  const formattedNow = new Map<string, string>();
  const formatted = async (name: string, text: string, parser: string) => {
    const key = `${parser}\0${JSON.stringify(config)}\0${text}`;
    const content = cache?.formatted.get(key) ?? (await prettier().format(text, { ...config, parser }));
    formattedNow.set(key, content);
    return { path: `${outDir}/${name}`, content };
  };
  // The JSON through a printer of its own that writes prettier's bytes (prettier's cost is per
  // call, and there is a file per definition); prettier itself for a config it cannot follow.
  const layout = jsonLayout(config);
  const memo = cache?.documents ?? new DocumentMemo();
  const layoutKey = `json ${JSON.stringify(layout)}`;
  const documentFile = (document: ExperimentJson | FeatureJson) => {
    const value = document as unknown as JsonValue;
    const content = layout && memo.get(document, layoutKey, () => formattedJson(value, layout));
    return content === undefined
      ? formatted(file(document), jsonText(value), "json")
      : { path: `${outDir}/${file(document)}`, content };
  };
  const input: AccessorInput = { experiments, features, sources, command, memo };
  const accessors = accessorOutputs(input, format).map(({ name, text }) => ({
    path: `${outDir}/${name}`,
    content: text,
  }));
  const files = [...accessors, ...(await Promise.all([...experiments, ...features].map(documentFile)))];
  // Only what this compile used is kept: the next one starts from it.
  if (cache) {
    cache.formatted = formattedNow;
    memo.settle();
  }
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

/** The accessor module in `format`: TypeScript, or JavaScript and its declarations. */
function accessorOutputs(input: AccessorInput, format: ModuleFormat): { name: string; text: string }[] {
  if (format === "ts") return [{ name: "index.ts", text: accessorModule(input, "ts") }];
  const [javascriptName, declarationsName] =
    format === "esm" ? ["index.js", "index.d.ts"] : ["index.cjs", "index.d.cts"];
  return [
    { name: javascriptName, text: accessorModule(input, format) },
    { name: declarationsName, text: accessorDeclarations(input) },
  ];
}
