import { build } from "esbuild";
import { gzipSync } from "node:zlib";
import { expect, test } from "vitest";

/**
 * The runtime's size as an application ships it: bundled for the browser, minified, gzipped.
 * A flag SDK that costs more than the flags it evaluates gets left out of pages. If a change must
 * cross a ceiling, raise it here deliberately, in its own commit, and say what it bought.
 *
 * Raised from 1,536 (features) and 2,200 (experiments) when both measured 4,160 and 4,659: the
 * bytes bought the document reader every document goes through (the one the compiler uses, about
 * 2.4 KB of it: every problem found with its path, cycles, depth, throwing getters and Proxies,
 * prototype-safe copies), garbage-proof options, contexts and unit ids, frozen results, and for
 * experiments a timeout and an answer check on every store call.
 *
 * Experiments raised from 4,700 to 7,800 when they measured 7,694 with the learning algorithms:
 * epsilon-greedy, UCB1 and Thompson sampling (a Gamma sampler), custom algorithms by name, the
 * statistics cache, batched behind-writes of assignments, exposures, forced variants, and
 * `results()` with Wilson intervals and P(best). Features-only is untouched by them.
 *
 * Experiments raised from 7,800 to 8,000 when they measured 7,989 for shared stores: one time
 * budget per operation (a read then a write, or waiting for a write then completing, answer within
 * one `storeTimeoutMs`), ERROR for an assignment the store did not confirm, and saying when a
 * timed-out reward may still have been stored.
 */
const ceilings = {
  features: { entry: `export { createFeatures } from "prosper-runtime";`, bytes: 4200 },
  experiments: { entry: `export { createExperiments, memoryStore } from "prosper-runtime";`, bytes: 8000 },
};

async function gzippedBundle(entry: string): Promise<number> {
  const result = await build({
    stdin: { contents: entry, resolveDir: process.cwd(), loader: "ts" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    // The runtime's sources, as the package's build bundles them.
    conditions: ["prosper-source"],
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
    conditions: ["prosper-source"],
    write: false,
  });
  const code = result.outputFiles[0]!.text;
  // Names only experiment code has: the store's methods and the Gamma sampler's constant.
  expect(code).not.toContain("readUnit");
  expect(code).not.toContain("successes");
  expect(code).not.toContain("0.0331");
});
