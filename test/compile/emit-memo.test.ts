import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ExperimentJson, FeatureJson } from "prosper-runtime";
import { describe, expect, test } from "vitest";
import { emit, moduleFormats, newEmitCache, type EmitOptions } from "../../compiler/stages/emit/emit.js";

/**
 * A watch reuses each definition's pieces of the output: it must give exactly the files a plain
 * emit gives, in the same order.
 */
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const generated = join(repoRoot, "test/golden/valid-shipped/generated");
const read = <T>(folder: string) =>
  readdirSync(join(generated, folder))
    .sort()
    .map((file) => JSON.parse(readFileSync(join(generated, folder, file), "utf8")) as T);

const options = (format: (typeof moduleFormats)[number]): EmitOptions => ({
  root: repoRoot,
  outDir: "out",
  definitions: {
    experiments: read<ExperimentJson>("experiments").map((document) => ({ document })),
    features: read<FeatureJson>("features").map((document) => ({ document })),
  },
  sources: ["definitions/a.ts"],
  format,
  command: "prosper compile",
  pyofDir: "pyof",
});

describe("emit with a watch's memory", () => {
  test.each(moduleFormats)("%s: the same files, also after the documents change", async (format) => {
    const cache = newEmitCache();
    const first = await emit({ ...options(format), cache });
    expect(first.files).toEqual((await emit(options(format))).files);
    const again = await emit({ ...options(format), cache });
    expect(again.files).toEqual(first.files);
    const changed = options(format);
    const features = changed.definitions.features.map(({ document }) =>
      document.name === "search-page-size" ? { document: { ...document, default: 30 } } : { document },
    );
    const withCache = await emit({ ...changed, definitions: { ...changed.definitions, features }, cache });
    const without = await emit({ ...changed, definitions: { ...changed.definitions, features } });
    expect(withCache.files).toEqual(without.files);
    expect(withCache.files).not.toEqual(first.files);
  });
});
