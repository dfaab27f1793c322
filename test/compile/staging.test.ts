import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { compile } from "../../compiler/compile.js";
import { createFixture, type Fixture } from "../bench/compile-fixture.js";

/**
 * A compile emits and stages its output before the type check (the files are written while the
 * checker works): a type error must still leave the output folder exactly as it was, and no
 * staged file behind.
 */
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
let fixture: Fixture;

const compileHere = () =>
  compile({
    root: fixture.root,
    definitionsDir: "definitions",
    outDir: "generated",
    tsconfig: "tsconfig.json",
    cache: false,
  });

/** Every file under the output folder, with its text. */
function snapshot(folder: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (relative: string) => {
    for (const entry of readdirSync(join(folder, relative), { withFileTypes: true })) {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path);
      else files[path] = readFileSync(join(folder, path), "utf8");
    }
  };
  walk("");
  return files;
}

/** This process's staging folders (other processes may be compiling beside it). */
const ownStaging = () => {
  const parent = join(fixture.root, "node_modules/.cache/prosper");
  return existsSync(parent)
    ? readdirSync(parent).filter((entry) => entry.startsWith(`prosper-staging-${process.pid}-`))
    : [];
};

beforeAll(async () => {
  fixture = createFixture(repoRoot, 10);
  const first = await compileHere();
  expect(first.diagnostics).toEqual([]);
});

afterAll(() => {
  rmSync(fixture.root, { recursive: true, force: true });
});

describe("output staged before the type check", () => {
  test("a type error leaves the output folder as it was, and nothing staged", async () => {
    const before = snapshot(join(fixture.root, "generated"));
    const file = join(fixture.root, fixture.watched.file);
    const original = readFileSync(file, "utf8");
    try {
      // A new default (so there is something to write) and a type error that runs fine.
      writeFileSync(file, `${fixture.watched.edit(7)}\nconst wrong: number = "text";\nvoid wrong;\n`);
      const result = await compileHere();
      expect(result.ok).toBe(false);
      expect(result.diagnostics.some((diagnostic) => /TS\d+|not assignable/.test(diagnostic.message))).toBe(true);
      expect(snapshot(join(fixture.root, "generated"))).toEqual(before);
      expect(ownStaging()).toEqual([]);
      // Without the error, the same change is written.
      writeFileSync(file, fixture.watched.edit(7));
      const fixed = await compileHere();
      expect(fixed.ok).toBe(true);
      const output = JSON.parse(readFileSync(join(fixture.root, fixture.watched.output), "utf8")) as {
        default: unknown;
      };
      expect(output.default).toBe(fixture.watchedDefault(7));
      expect(ownStaging()).toEqual([]);
    } finally {
      writeFileSync(file, original);
    }
  });
});
