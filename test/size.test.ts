import { build } from "esbuild";
import { gzipSync } from "node:zlib";
import { expect, test } from "vitest";

/**
 * The runtime's size as an application ships it: bundled for the browser, minified, gzipped.
 * The features-only ceiling is the product's budget (1.5 KiB): a flag SDK that costs more than
 * the flags it evaluates gets left out of pages. If a change must cross it, raise the ceiling
 * here deliberately, in its own commit, and say what it bought.
 */
const ceilings = {
  features: { entry: `export { createFeatures } from "prosper/runtime";`, bytes: 1536 },
  experiments: { entry: `export { createExperiments, memoryStore } from "prosper/runtime";`, bytes: 2200 },
};

async function gzippedBundle(entry: string): Promise<number> {
  const result = await build({
    stdin: { contents: entry, resolveDir: process.cwd(), loader: "ts" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
  });
  // Servers gzip at various levels: hold the ceiling at the default level and at the best.
  const contents = result.outputFiles[0]!.contents;
  return Math.max(gzipSync(contents).length, gzipSync(contents, { level: 9 }).length);
}

test.each(Object.entries(ceilings))("%s runtime bundle fits its ceiling", async (_, { entry, bytes }) => {
  expect(await gzippedBundle(entry)).toBeLessThanOrEqual(bytes);
});

test("the features-only bundle carries no experiment code", async () => {
  const result = await build({
    stdin: { contents: ceilings.features.entry, resolveDir: process.cwd(), loader: "ts" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    write: false,
  });
  const code = result.outputFiles[0]!.text;
  expect(code).not.toContain("assignIfAbsent");
  expect(code).not.toContain("takeAssignment");
});
