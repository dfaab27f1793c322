import { join } from "node:path";
import * as prettier from "prettier";
import type { LoadedDefinitions } from "../load/model.js";
import { accessorModule } from "./accessors.js";
import { experimentJson, featureJson } from "./to-json.js";

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
 * leaves it alone). Same definitions, same bytes: nothing here depends on time or machine.
 */
export async function emit({ root, outDir, definitions, sources }: EmitOptions): Promise<OutputFile[]> {
  const file = (kind: keyof typeof jsonFolders, name: string) => `${jsonFolders[kind]}/${name}.json`;
  const documents = [
    ...definitions.experiments.map((e) => ({ path: file("experiment", e.name), json: experimentJson(e) })),
    ...definitions.features.map((f) => ({ path: file("feature", f.name), json: featureJson(f) })),
  ];
  const accessors = accessorModule({ definitions, sources, jsonPath: (d) => `./${file(d.kind, d.name)}` });
  // The project's prettier config, looked up from its root: output written elsewhere (a test's
  // temporary folder) is formatted as generated/ would be.
  const config = await prettier.resolveConfig(join(root, "package.json"));
  const formatted = async (path: string, text: string, parser: string) => ({
    path,
    content: await prettier.format(text, { ...config, parser }),
  });
  return Promise.all([
    formatted(`${outDir}/index.ts`, accessors, "typescript"),
    ...documents.map(({ path, json }) => formatted(`${outDir}/${path}`, JSON.stringify(json), "json")),
  ]);
}
