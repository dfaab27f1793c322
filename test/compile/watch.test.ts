import { mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { CompileResult } from "../../compiler/compile.js";
import { watch, type Watching } from "../../compiler/watch.js";
import { createFixture, type Fixture } from "../bench/compile-fixture.js";

/**
 * A watch keeps one compiler alive (its parsed files, its type checker's results per file, its
 * bundler context, its formatting): each recompile must still be exactly what a fresh compile
 * gives, through a file going invalid and valid again, and a change in a file only imported.
 */
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
let fixture: Fixture;
let watching: Watching;
const results: CompileResult[] = [];

const nextResult = async (after: number): Promise<CompileResult> => {
  const started = Date.now();
  while (results.length <= after) {
    if (Date.now() - started > 60_000) throw new Error("no compile within 60 s");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return results[results.length - 1]!;
};
const watchedDefault = () =>
  (JSON.parse(readFileSync(join(fixture.root, fixture.watched.output), "utf8")) as { default: unknown }).default;
const changed = (result: CompileResult) =>
  result.changes.filter((change) => change.status !== "unchanged").map((change) => change.path);

beforeAll(async () => {
  fixture = createFixture(repoRoot, 40);
  watching = watch({ root: fixture.root, definitionsDir: "definitions", outDir: "generated" }, (result) =>
    results.push(result),
  );
  const first = await nextResult(0);
  expect(first.diagnostics).toEqual([]);
});

afterAll(async () => {
  await watching.close();
  rmSync(fixture.root, { recursive: true, force: true });
});

describe("compile --watch", () => {
  test("a changed definition file is recompiled: only its output and the module change", async () => {
    const seen = results.length;
    writeFileSync(join(fixture.root, fixture.watched.file), fixture.watched.edit(1));
    const result = await nextResult(seen);
    expect(result.ok).toBe(true);
    expect(changed(result).sort()).toEqual([
      "generated/features/def-2.json",
      "generated/index.d.ts",
      "generated/index.js",
    ]);
    expect(watchedDefault()).toBe(fixture.watchedDefault(1));
  });

  test("a file that becomes invalid leaves the output alone; valid again, it compiles", async () => {
    let seen = results.length;
    const file = join(fixture.root, fixture.watched.file);
    writeFileSync(file, `${fixture.watched.edit(2)}\nexport const broken: number = "text";\n`);
    const failed = await nextResult(seen);
    expect(failed.ok).toBe(false);
    expect(failed.diagnostics.map((diagnostic) => diagnostic.code)).toContain("TS2322");
    expect(watchedDefault()).toBe(fixture.watchedDefault(1));

    seen = results.length;
    writeFileSync(
      file,
      `${fixture.watched.edit(3)}\nexport const broken = feature({ name: "def-2", buckets: [], default: 0 });\n`,
    );
    const duplicate = await nextResult(seen);
    expect(duplicate.ok).toBe(false);
    expect(watchedDefault()).toBe(fixture.watchedDefault(1));

    seen = results.length;
    writeFileSync(file, fixture.watched.edit(4));
    const fixed = await nextResult(seen);
    expect(fixed.diagnostics).toEqual([]);
    expect(fixed.ok).toBe(true);
    expect(watchedDefault()).toBe(fixture.watchedDefault(4));
  });

  test("a change in a file the definitions only import is recompiled", async () => {
    const shared = join(fixture.root, "shared/audiences.ts");
    const original = readFileSync(shared, "utf8");
    const seen = results.length;
    writeFileSync(shared, original.replace(`["NL", "BE", "LU"]`, `["NL", "BE", "LU", "DE"]`));
    const result = await nextResult(seen);
    expect(result.ok).toBe(true);
    expect(changed(result)).toContain("generated/features/def-0.json");
    expect(readFileSync(join(fixture.root, "generated/features/def-0.json"), "utf8")).toContain('"DE"');
  });

  test("what the watch wrote is what a fresh compile writes", async () => {
    const { compile } = await import("../../compiler/compile.js");
    const fresh = await compile({
      root: fixture.root,
      definitionsDir: "definitions",
      outDir: "generated",
      cache: false,
    });
    expect(fresh.ok).toBe(true);
    expect(changed(fresh)).toEqual([]);
  });
});

describe("compile --watch, saves that come as a compile ends", () => {
  /**
   * Makes the saves from inside the reports (`saves[n]` in the report of compile n), that is,
   * after the compile read its files and before the watch looks again; each must be compiled.
   */
  async function saveDuringReports(saves: ((fixture: Fixture) => void)[], check: (fixture: Fixture) => void) {
    const own = createFixture(repoRoot, 10);
    const seen: CompileResult[] = [];
    const watching = watch({ root: own.root, definitionsDir: "definitions", outDir: "generated" }, (result) => {
      seen.push(result);
      saves[seen.length - 1]?.(own);
    });
    try {
      const started = Date.now();
      while (seen.length <= saves.length && Date.now() - started < 30_000)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(seen.length, "a save was not compiled").toBe(saves.length + 1);
      // And nothing more: each save is one compile.
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(seen.length, "a compile that no save asked for").toBe(saves.length + 1);
      expect(seen.every((result) => result.ok)).toBe(true);
      check(own);
    } finally {
      await watching.close();
      rmSync(own.root, { recursive: true, force: true });
    }
  }
  const edit = (n: number) => (fixture: Fixture) =>
    writeFileSync(join(fixture.root, fixture.watched.file), fixture.watched.edit(n));
  const defaultOf = (fixture: Fixture) =>
    (JSON.parse(readFileSync(join(fixture.root, fixture.watched.output), "utf8")) as { default: unknown }).default;
  const addMarket = (fixture: Fixture) => {
    const shared = join(fixture.root, "shared/audiences.ts");
    writeFileSync(shared, readFileSync(shared, "utf8").replace(`["NL", "BE", "LU"]`, `["NL", "BE", "LU", "DE"]`));
  };

  test("a definition saved as the first compile ends is compiled", async () => {
    await saveDuringReports([edit(1)], (fixture) => expect(defaultOf(fixture)).toBe(fixture.watchedDefault(1)));
  }, 60_000);

  test("a definition saved as a later compile ends is compiled", async () => {
    await saveDuringReports([edit(1), edit(2)], (fixture) =>
      expect(defaultOf(fixture)).toBe(fixture.watchedDefault(2)),
    );
  }, 60_000);

  test("a definition saved as the watch is made again (for a newly imported file) is compiled", async () => {
    // Compile 2 imports a file no compile read before, so the watch is made again after it.
    const importNewFile = (fixture: Fixture) =>
      setTimeout(() => {
        writeFileSync(join(fixture.root, "shared/extra.ts"), "export const extra = 1;\n");
        writeFileSync(
          join(fixture.root, fixture.watched.file),
          `${fixture.watched.edit(1)}\nimport "../shared/extra.js";\n`,
        );
      }, 100);
    await saveDuringReports([importNewFile, edit(2)], (fixture) =>
      expect(defaultOf(fixture)).toBe(fixture.watchedDefault(2)),
    );
  }, 60_000);

  test("an imported file saved before its folder is watched is compiled", async () => {
    await saveDuringReports([addMarket], (fixture) =>
      expect(readFileSync(join(fixture.root, "generated/features/def-0.json"), "utf8")).toContain('"DE"'),
    );
  }, 60_000);
});

describe("compile --watch, its own scratch folders inside the definitions folder", () => {
  /** Compiles counted over a quiet second after the first, then after one save. */
  async function compilesWith(
    options: { definitionsDir: string; outDir: string },
    prepare: (fixture: Fixture) => void,
    output: string,
  ) {
    const own = createFixture(repoRoot, 10);
    prepare(own);
    const seen: CompileResult[] = [];
    const watching = watch({ root: own.root, ...options }, (result) => seen.push(result));
    const waitFor = async (count: number) => {
      const started = Date.now();
      while (seen.length < count && Date.now() - started < 30_000)
        await new Promise((resolve) => setTimeout(resolve, 20));
    };
    try {
      await waitFor(1);
      expect(seen[0]?.ok, JSON.stringify(seen[0]?.diagnostics)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const quiet = seen.length;
      writeFileSync(join(own.root, own.watched.file), own.watched.edit(1));
      await waitFor(quiet + 1);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const json = JSON.parse(readFileSync(join(own.root, output), "utf8")) as { default: unknown };
      return { quiet, afterSave: seen.length - quiet, value: json.default, expected: own.watchedDefault(1) };
    } finally {
      await watching.close();
      rmSync(own.root, { recursive: true, force: true });
    }
  }

  test("staging beside an output folder inside the definitions folder sets off no compile", async () => {
    const found = await compilesWith(
      { definitionsDir: "definitions", outDir: "definitions/generated" },
      (fixture) => {
        // node_modules/.cache cannot hold the staging folder (a read-only install, say): it goes
        // beside the output, into the definitions folder. node_modules is the repository's, linked:
        // a folder of links to the packages instead, beside a .cache that is a file.
        const modules = join(fixture.root, "node_modules");
        rmSync(modules);
        mkdirSync(modules);
        for (const name of ["prosper", "prosper-runtime"])
          symlinkSync(realpathSync(join(repoRoot, "node_modules", name)), join(modules, name), "dir");
        writeFileSync(join(modules, ".cache"), "");
      },
      "definitions/generated/features/def-2.json",
    );
    expect(found).toEqual({ quiet: 1, afterSave: 1, value: found.expected, expected: found.expected });
  }, 60_000);
});
