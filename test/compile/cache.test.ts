import { existsSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { compile, type CompileResult } from "../../compiler/compile.js";
import { createFixture, type Fixture } from "../bench/compile-fixture.js";

/**
 * The no-change cache: a compile whose inputs and outputs are all as the last one left them
 * answers without type checking or running anything, and writes nothing; any change to an
 * input (a definition, a file it imports, the tsconfig) or to the output on disk is noticed.
 */
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
let fixture: Fixture;
let root: string;

const compileHere = (extra: { check?: boolean; cache?: boolean } = {}) =>
  compile({ root, definitionsDir: "definitions", outDir: "generated", tsconfig: "tsconfig.json", ...extra });
const written = (result: CompileResult) =>
  result.changes.filter((change) => change.status !== "unchanged").map((change) => change.path);
const output = (path: string) => JSON.parse(readFileSync(join(root, path), "utf8")) as Record<string, unknown>;
const mtime = (path: string) => statSync(join(root, path)).mtimeMs;

beforeAll(async () => {
  fixture = createFixture(repoRoot, 10);
  root = fixture.root;
  const first = await compileHere();
  expect(first.diagnostics).toEqual([]);
  expect(first.ok).toBe(true);
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe("the no-change cache", () => {
  test("a second compile with nothing changed answers from the cache and writes nothing", async () => {
    await compileHere(); // The record is written by a full compile; make sure there is one.
    const before = mtime("generated/index.js");
    const result = await compileHere();
    expect(result.cached).toBe(true);
    expect(result.ok).toBe(true);
    expect(written(result)).toEqual([]);
    expect(result.features + result.experiments).toBe(10);
    expect(result.changes.map((change) => change.path)).toContain("generated/features/def-2.json");
    expect(mtime("generated/index.js")).toBe(before);
  });

  test("an output file edited by hand is noticed and rewritten", async () => {
    const path = "generated/features/def-2.json";
    const original = readFileSync(join(root, path), "utf8");
    writeFileSync(join(root, path), original.replace('"default": 22', '"default": 23'));
    const checked = await compileHere({ check: true });
    expect(checked.cached).toBeFalsy();
    expect(checked.ok).toBe(false);
    expect(written(checked)).toEqual([path]);
    const result = await compileHere();
    expect(result.cached).toBeFalsy();
    expect(written(result)).toEqual([path]);
    expect(readFileSync(join(root, path), "utf8")).toBe(original);
    expect((await compileHere()).cached).toBe(true);
  });

  test("an output file removed is noticed and written again", async () => {
    const path = "generated/experiments/def-3.json";
    const original = readFileSync(join(root, path), "utf8");
    unlinkSync(join(root, path));
    const result = await compileHere();
    expect(result.cached).toBeFalsy();
    expect(written(result)).toEqual([path]);
    expect(readFileSync(join(root, path), "utf8")).toBe(original);
  });

  test("an extra JSON file in the output folder is not taken for up to date", async () => {
    const path = "generated/features/stale.json";
    writeFileSync(join(root, path), JSON.stringify({ formatVersion: 1, kind: "feature", name: "stale" }));
    const result = await compileHere();
    expect(result.cached).toBeFalsy();
    expect(result.changes).toContainEqual({ path, status: "removed" });
  });

  test("a change to a file the definitions import is a change", async () => {
    const shared = join(root, "shared/audiences.ts");
    const original = readFileSync(shared, "utf8");
    try {
      writeFileSync(shared, original.replace(`["NL", "BE", "LU"]`, `["NL", "BE", "LU", "DE"]`));
      const result = await compileHere();
      expect(result.cached).toBeFalsy();
      expect(written(result)).toContain("generated/features/def-0.json");
      expect(JSON.stringify(output("generated/features/def-0.json"))).toContain('"DE"');
    } finally {
      writeFileSync(shared, original);
    }
    const back = await compileHere();
    expect(back.cached).toBeFalsy();
    expect(JSON.stringify(output("generated/features/def-0.json"))).not.toContain('"DE"');
  });

  test("a file added beside an import, which the import now resolves to, is a change", async () => {
    await compileHere();
    expect((await compileHere()).cached).toBe(true);
    // `../shared/audiences.js` resolved to audiences.ts; with a real audiences.js beside it, esbuild runs that.
    const shadow = join(root, "shared/audiences.js");
    const source = readFileSync(join(root, "shared/audiences.ts"), "utf8");
    try {
      writeFileSync(shadow, source.replace(/ as const/g, "").replace(`["NL", "BE", "LU"]`, `["NL", "BE", "LU", "DE"]`));
      const result = await compileHere();
      expect(result.cached).toBeFalsy();
      expect(JSON.stringify(output("generated/features/def-0.json"))).toContain('"DE"');
    } finally {
      rmSync(shadow, { force: true });
    }
    const back = await compileHere();
    expect(back.cached).toBeFalsy();
    expect(JSON.stringify(output("generated/features/def-0.json"))).not.toContain('"DE"');
  });

  test("a change to the tsconfig is a change", async () => {
    const tsconfig = join(root, "tsconfig.json");
    const original = readFileSync(tsconfig, "utf8");
    await compileHere();
    expect((await compileHere()).cached).toBe(true);
    try {
      const config = JSON.parse(original) as { compilerOptions: Record<string, unknown> };
      config.compilerOptions["noUnusedLocals"] = true;
      writeFileSync(tsconfig, JSON.stringify(config));
      const result = await compileHere();
      expect(result.cached).toBeFalsy();
      expect(result.ok).toBe(true);
    } finally {
      writeFileSync(tsconfig, original);
    }
  });

  test("a definition file added or changed is a change, and a type error is never answered from the cache", async () => {
    await compileHere();
    const added = join(root, "definitions/added.ts");
    try {
      writeFileSync(
        added,
        `import { feature } from "prosper/define";\nexport const added = feature({ name: "added", buckets: [], default: 1 });\n`,
      );
      const result = await compileHere();
      expect(result.cached).toBeFalsy();
      expect(written(result)).toContain("generated/features/added.json");
      writeFileSync(
        added,
        `import { feature } from "prosper/define";\nexport const added = feature({ name: "added", buckets: [], default: 1 });\nconst wrong: number = "text";\n`,
      );
      for (let attempt = 0; attempt < 2; attempt++) {
        const failed = await compileHere();
        expect(failed.cached).toBeFalsy();
        expect(failed.ok).toBe(false);
        expect(failed.diagnostics.map((diagnostic) => diagnostic.code)).toContain("TS2322");
      }
    } finally {
      rmSync(added, { force: true });
    }
    const removed = await compileHere();
    expect(removed.changes).toContainEqual({ path: "generated/features/added.json", status: "removed" });
  });

  test("records of projects that are gone are swept when a record is written", async () => {
    const folder = join(root, "node_modules/.cache/prosper");
    const gone = join(folder, "compile-0000000000000000000000aa.json");
    const kept = join(folder, "compile-0000000000000000000000bb.json");
    writeFileSync(gone, JSON.stringify({ root: join(root, "no-such-project"), key: "x" }));
    writeFileSync(kept, JSON.stringify({ root, key: "x" }));
    try {
      unlinkSync(join(root, "generated/features/def-2.json"));
      expect((await compileHere()).cached).toBeFalsy();
      expect(existsSync(gone)).toBe(false);
      expect(existsSync(kept)).toBe(true);
    } finally {
      rmSync(gone, { force: true });
      rmSync(kept, { force: true });
    }
  });

  test("cache: false always compiles in full", async () => {
    await compileHere();
    const result = await compileHere({ cache: false });
    expect(result.cached).toBeFalsy();
    expect(result.ok).toBe(true);
    expect(written(result)).toEqual([]);
  });
});
