import { join } from "node:path";
import type { ExperimentJson, FeatureJson, JsonValue } from "prosper/runtime";
import * as prettier from "prettier";
import type { LoadedDefinitions } from "../../model/definitions.js";
import { accessorModule } from "./accessors.js";
import { jsonText } from "./json-text.js";

/** A file the compiler owns, `path` relative to the project root. */
export interface OutputFile {
  readonly path: string;
  readonly content: string;
}

export interface EmitOptions {
  readonly root: string;
  /** The output folder, relative to the root. */
  readonly outDir: string;
  readonly definitions: LoadedDefinitions;
  /** The definition files, relative to the root. */
  readonly sources: readonly string[];
}

/** Folders under the output folder that hold one JSON file per definition. */
export const jsonFolders = { experiment: "experiments", feature: "features" } as const;

/**
 * Everything `generated/` should hold, formatted with prettier (so that `prettier --write .`
 * leaves it alone). Same definitions, same bytes: nothing here depends on time or machine. The
 * JSON is each document exactly as the definition helpers built it.
 */
export async function emit({ root, outDir, definitions, sources }: EmitOptions): Promise<OutputFile[]> {
  const experiments = definitions.experiments.map((located) => located.document);
  const features = definitions.features.map((located) => located.document);
  const file = (document: ExperimentJson | FeatureJson) => `${jsonFolders[document.kind]}/${document.name}.json`;
  const accessors = accessorModule({ experiments, features, sources, jsonPath: (d) => `./${file(d)}` });
  // The project's prettier config, looked up from its root: output written elsewhere (a test's
  // temporary folder) is formatted as generated/ would be.
  const config = await prettier.resolveConfig(join(root, "package.json"));
  const formatted = async (path: string, text: string, parser: string) => ({
    path,
    content: await prettier.format(text, { ...config, parser }),
  });
  return Promise.all([
    formatted(`${outDir}/index.ts`, accessors, "typescript"),
    ...[...experiments, ...features].map((document) =>
      formatted(`${outDir}/${file(document)}`, jsonText(document as unknown as JsonValue), "json"),
    ),
  ]);
}
