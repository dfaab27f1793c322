import { build } from "esbuild";
import { gzipSync } from "node:zlib";
import { expect, test } from "vitest";

/**
 * The runtime's size as an application ships it: the entries a generated module imports, bundled
 * for the browser, minified, gzipped. A flag SDK that costs more than the flags it evaluates gets
 * left out of pages. If a change must cross a ceiling, raise it here deliberately, in its own
 * commit, and say what it bought (the history of these figures is in the README's measurements).
 *
 * The generated module carries each feature's evaluator as code and each experiment as a table
 * the compiler has checked, so these entries hold no document reader; `createFeatures(documents)`
 * and `createExperiments(documents)` in the full `prosper-runtime` entry do, and are measured by
 * `npm run bench -- size`, not held to these ceilings.
 */
const ceilings = {
  "features only": { entry: `export * from "prosper-runtime/features";`, bytes: 1500 },
  /**
   * Not the 3,000 B goal of issue 11: 5,730 B when set (5,848 before it was cut). What experiments
   * add to the features (about 4,250 B) buys, measured by taking each part out: a time limit on
   * every call to any store, custom ones included, on one shared timer (about 300 B), and checks
   * of its answers (about 250 B); `complete` (330 B); the memory store (380 B); statistics for the
   * learning algorithms (90 B); waiting for an assignment's write in `assign` (85 B); `force` (95 B);
   * messages (about 500 B in all). Reaching the goal means dropping behaviours the tests hold, not
   * writing the same ones smaller. Raised from 5,750 to 5,800 for a review's three fixes (5,788 B):
   * the memory store forgets a unit once it has no assignment left (it kept every unit ever seen),
   * store deadlines run on a monotonic clock (a wall clock set back stretched them), and the memory
   * store's unchecked fast path answers to a symbol no other store can claim.
   */
  "features, experiments and the memory store": {
    entry: `export * from "prosper-runtime/features";\nexport { experimentsOf, memoryStore } from "prosper-runtime/experiments";`,
    bytes: 5800,
  },
};

async function bundle(entry: string): Promise<Uint8Array> {
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
  return result.outputFiles[0]!.contents;
}

// Servers gzip at various levels: hold the ceiling at the default level and at the best.
const gzipped = (contents: Uint8Array) => Math.max(gzipSync(contents).length, gzipSync(contents, { level: 9 }).length);

test.each(Object.entries(ceilings))("%s fits its ceiling", async (name, { entry, bytes }) => {
  const size = gzipped(await bundle(entry));
  expect(
    size,
    `${name}: ${size} B gzip, over the ${bytes} B ceiling. Make it smaller, or raise the ceiling in test/size.test.ts in a commit of its own that says what the bytes buy.`,
  ).toBeLessThanOrEqual(bytes);
});

test("the features-only bundle carries no experiment code and no document reader", async () => {
  const code = new TextDecoder().decode(await bundle(ceilings["features only"].entry));
  // Names only experiment code has: the store's methods and the Gamma sampler's constant.
  expect(code).not.toContain("readUnit");
  expect(code).not.toContain("successes");
  expect(code).not.toContain(".0331");
  // The reader's messages: the compiler checked the documents a generated module carries.
  expect(code).not.toContain("formatVersion");
});
