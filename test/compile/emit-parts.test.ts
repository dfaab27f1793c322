import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ExperimentJson, FeatureJson } from "prosper-runtime";
import { describe, expect, test } from "vitest";
import { emit, moduleFormats, newEmitCache, type EmitOptions } from "../../compiler/stages/emit/emit.js";

/**
 * A single compile emits in two threads (the accessor module's first file in a worker, the rest
 * in the main thread), and a watch reuses each feature's piece of the module: both must give exactly the files a
 * plain emit gives, in the same order.
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

describe("emit in parts", () => {
  test.each(moduleFormats)("%s: the module part and the rest make the whole", async (format) => {
    const whole = await emit(options(format));
    const module = await emit({ ...options(format), part: "module" });
    const rest = await emit({ ...options(format), part: "rest" });
    expect([...module.files, ...rest.files]).toEqual(whole.files);
    expect(rest.pyofSkipped).toEqual(whole.pyofSkipped);
    expect(module.files).toHaveLength(1);
  });

  test("a watch's emit cache gives the same files, also after the documents change", async () => {
    const cache = newEmitCache();
    const first = await emit({ ...options("esm"), cache });
    expect(first.files).toEqual((await emit(options("esm"))).files);
    const again = await emit({ ...options("esm"), cache });
    expect(again.files).toEqual(first.files);
    const changed = options("esm");
    const features = changed.definitions.features.map(({ document }) =>
      document.name === "search-page-size" ? { document: { ...document, default: 30 } } : { document },
    );
    const withCache = await emit({ ...changed, definitions: { ...changed.definitions, features }, cache });
    const without = await emit({ ...changed, definitions: { ...changed.definitions, features } });
    expect(withCache.files).toEqual(without.files);
    expect(withCache.files).not.toEqual(first.files);
  });
});
