import { execFileSync } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { Module } from "node:module";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

/**
 * The CLI loads ts-morph's TypeScript through V8's code cache (compiler/code-cache.ts). Each run
 * is a fresh process, as the CLI's are: a small CommonJS package stands in for TypeScript.
 */
const root = mkdtempSync(join(tmpdir(), "prosper-code-cache-"));
const packageFolder = join(root, "node_modules", "big");
const file = join(packageFolder, "index.js");
const cacheFolder = join(root, "node_modules", ".cache", "prosper", "code-cache");
const probe = join(root, "probe.mjs");

// A module that requires a built-in and a file beside it, and is required back by one (a cycle),
// and counts how often it runs.
const source = (answer: number) => `const { join } = require("node:path");
globalThis.evaluations = (globalThis.evaluations ?? 0) + 1;
exports.early = "set before the cycle";
const helper = require("./helper.js");
exports.answer = ${answer};
exports.joined = join("a", "b");
exports.fromHelper = helper.seen;
${"exports.padding = [" + Array.from({ length: 200 }, (_, i) => `function f${i}(x) { return x * ${i}; }`).join(",\n") + "].length;"}
`;

beforeAll(async () => {
  mkdirSync(packageFolder, { recursive: true });
  writeFileSync(join(packageFolder, "helper.js"), `exports.seen = require("./index.js").early;\n`);
  // As ts-morph's common package requires its TypeScript: by a relative path.
  writeFileSync(join(packageFolder, "requirer.js"), `module.exports = require("./index");\n`);
  writeFileSync(file, source(42));
  // The loader, as the CLI's bundle carries it, then a plain require that must find what it loaded.
  await build({
    stdin: {
      contents: `import { createRequire } from "node:module";
import { preloadWithCodeCache } from ${JSON.stringify(join(process.cwd(), "compiler/code-cache.ts"))};
const outcome = preloadWithCodeCache(process.argv[2]);
const require = createRequire(import.meta.url);
const loaded = require(process.argv[2]);
if (process.argv[2].endsWith("index.js")) {
  // Required as its package requires it, it is the one module, run once.
  const throughRequirer = require(process.argv[2].replace(/index\.js$/, "requirer.js"));
  if (throughRequirer !== loaded || globalThis.evaluations !== 1) throw new Error("the module ran " + globalThis.evaluations + " times");
}
process.stdout.write(JSON.stringify({ outcome, answer: loaded.answer, joined: loaded.joined, fromHelper: loaded.fromHelper, padding: loaded.padding }));`,
      resolveDir: root,
      loader: "ts",
    },
    bundle: true,
    platform: "node",
    format: "esm",
    outfile: probe,
    logLevel: "warning",
  });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function run(target = file, env: Record<string, string> = {}) {
  const { NODE_DISABLE_COMPILE_CACHE: _, ...inherited } = process.env;
  return JSON.parse(
    // A time limit: a cache that makes the load wait (a pipe where the entry should be) fails here.
    execFileSync(process.execPath, [probe, target], {
      env: { ...inherited, ...env },
      encoding: "utf8",
      timeout: 20_000,
    }),
  ) as { outcome: string; answer: number; joined: string; fromHelper: string; padding: number };
}

const cacheFiles = () => {
  try {
    return readdirSync(cacheFolder);
  } catch {
    return [];
  }
};

// Node 22.8 and later keep their own compile cache, which the loader turns on instead.
const nodeHasItsOwn = typeof (Module as { enableCompileCache?: unknown }).enableCompileCache === "function";

describe.skipIf(nodeHasItsOwn)("the code cache", () => {
  const loadedRight = { answer: 42, joined: join("a", "b"), fromHelper: "set before the cycle", padding: 200 };

  test("a first run makes it, a second uses it, and both load the module as require does", () => {
    expect(run()).toEqual({ outcome: "made", ...loadedRight });
    expect(cacheFiles()).toHaveLength(1);
    expect(cacheFiles()[0]).toMatch(/\.bin$/);
    expect(run()).toEqual({ outcome: "used", ...loadedRight });
    expect(run()).toEqual({ outcome: "used", ...loadedRight });
  });

  test("a changed file gets a new entry, and the old one goes", () => {
    run();
    const before = cacheFiles();
    writeFileSync(file, source(43));
    expect(run()).toMatchObject({ outcome: "made", answer: 43 });
    expect(run()).toMatchObject({ outcome: "used", answer: 43 });
    const after = cacheFiles();
    expect(after).toHaveLength(1);
    expect(after).not.toEqual(before);
    // The same length and text, a new modification time: not trusted either.
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(run()).toMatchObject({ outcome: "made", answer: 43 });
    writeFileSync(file, source(42));
  });

  test("other source of the same length and time is not given the old code", () => {
    run();
    const time = new Date(Date.now() - 60_000);
    utimesSync(file, time, time);
    expect(run()).toMatchObject({ outcome: "made", answer: 42 });
    expect(run()).toMatchObject({ outcome: "used", answer: 42 });
    // V8 itself checks only the length: a key without the source's checksum would run 42 here.
    writeFileSync(file, source(24));
    utimesSync(file, time, time);
    expect(run()).toMatchObject({ outcome: "made", answer: 24 });
    expect(run()).toMatchObject({ outcome: "used", answer: 24 });
    writeFileSync(file, source(42));
  });

  test("a damaged entry is never given to V8: the module still loads, and the entry is written again", () => {
    run();
    const [entry] = cacheFiles();
    const path = join(cacheFolder, entry!);
    const whole = readFileSync(path);
    // Bytes changed in the middle, the length kept: a release build of V8 does not notice, and crashes.
    const damaged = Buffer.from(whole);
    for (let at = damaged.length >> 1; at < (damaged.length >> 1) + 64 && at < damaged.length; at++)
      damaged[at] = damaged[at]! ^ 0xff;
    writeFileSync(path, damaged);
    expect(run()).toEqual({ outcome: "made", ...loadedRight });
    expect(run()).toEqual({ outcome: "used", ...loadedRight });
    writeFileSync(path, "short");
    expect(run()).toEqual({ outcome: "made", ...loadedRight });
    expect(run()).toEqual({ outcome: "used", ...loadedRight });
  });

  test("an entry made for another key, put under this one's name, is not used", () => {
    rmSync(cacheFolder, { recursive: true, force: true });
    const time = new Date(Date.now() - 120_000);
    utimesSync(file, time, time);
    run();
    const [ours] = cacheFiles();
    writeFileSync(file, source(43));
    run();
    const theirs = cacheFiles().find((entry) => entry !== ours)!;
    const other = readFileSync(join(cacheFolder, theirs));
    writeFileSync(file, source(42));
    // Same text, length and time as when `ours` was made: its name is the one looked up again.
    utimesSync(file, time, time);
    writeFileSync(join(cacheFolder, ours!), other);
    expect(cacheFiles()).toContain(ours);
    expect(run()).toMatchObject({ outcome: "made", answer: 42 });
  });

  test.skipIf(process.platform === "win32")(
    "a folder, a named pipe or a device where the entry should be is never read, and kept",
    () => {
      run();
      const [entry] = cacheFiles();
      const path = join(cacheFolder, entry!);
      for (const make of [
        () => mkdirSync(path),
        () => execFileSync("mkfifo", [path]),
        () => symlinkSync("/dev/zero", path),
      ]) {
        rmSync(path, { recursive: true, force: true });
        make();
        expect(run()).toEqual({ outcome: "made", ...loadedRight });
        expect(run()).toEqual({ outcome: "made", ...loadedRight });
        expect(readdirSync(cacheFolder).filter((name) => name.endsWith(".tmp"))).toEqual([]);
      }
      rmSync(path, { recursive: true, force: true });
    },
  );

  test("a temporary file a writer left a while ago goes at the next run, one being written stays", () => {
    run();
    expect(run()).toMatchObject({ outcome: "used" });
    const [entry] = cacheFiles();
    const abandoned = join(cacheFolder, `${entry}.1-00000000.tmp`);
    const fresh = join(cacheFolder, `${entry}.2-00000000.tmp`);
    writeFileSync(abandoned, "half");
    writeFileSync(fresh, "half");
    const longAgo = new Date(Date.now() - 10 * 60_000);
    utimesSync(abandoned, longAgo, longAgo);
    expect(run()).toMatchObject({ outcome: "used" });
    expect(readdirSync(cacheFolder).sort()).toEqual([entry, `${entry}.2-00000000.tmp`].sort());
    rmSync(fresh);
  });

  test("it is skipped when switched off, and for a file outside node_modules", () => {
    expect(run(file, { NODE_DISABLE_COMPILE_CACHE: "1" })).toEqual({ outcome: "skipped", ...loadedRight });
    const outside = join(root, "outside.js");
    writeFileSync(outside, "exports.answer = 7;\n");
    expect(run(outside)).toMatchObject({ outcome: "skipped", answer: 7 });
  });

  test("a folder the cache cannot be written to costs nothing but the cache", () => {
    rmSync(join(root, "node_modules", ".cache"), { recursive: true, force: true });
    // A file where the cache folder's parent should be: mkdir fails.
    writeFileSync(join(root, "node_modules", ".cache"), "");
    try {
      expect(run()).toEqual({ outcome: "made", ...loadedRight });
      expect(run()).toEqual({ outcome: "made", ...loadedRight });
    } finally {
      rmSync(join(root, "node_modules", ".cache"), { force: true });
    }
  });
});
