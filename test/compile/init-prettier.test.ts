import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as prettier from "prettier";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { compile } from "../../compiler/compile.js";
import { init } from "../../compiler/init.js";
import { createFixture, type Fixture } from "../bench/compile-fixture.js";

/**
 * The accessor module is laid out by prosper, not by prettier: `prosper init` lists the output
 * folder in the project's .prettierignore, so that a user's `prettier --check .` passes; the JSON
 * files are prettier's bytes whether ignored or not.
 */
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const folders: string[] = [];
const project = (prettierIgnore?: string) => {
  const root = mkdtempSync(join(tmpdir(), "prosper-init-"));
  folders.push(root);
  writeFileSync(join(root, "package.json"), `{ "name": "app" }\n`);
  if (prettierIgnore !== undefined) writeFileSync(join(root, ".prettierignore"), prettierIgnore);
  return root;
};

afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe("prosper init and .prettierignore", () => {
  test("a project without one gets one that ignores the output folder", () => {
    const root = project();
    const result = init(root);
    expect(result.refused).toEqual([]);
    expect(result.written).toContain(".prettierignore");
    expect(readFileSync(join(root, ".prettierignore"), "utf8")).toMatch(/^\/generated\/$/m);
  });

  test("one that exists keeps its lines and gets the folder added, on a line of its own", () => {
    const root = project("dist/\ncoverage");
    init(root);
    expect(readFileSync(join(root, ".prettierignore"), "utf8")).toMatch(/^dist\/\ncoverage\n(#.*\n)?\/generated\/\n$/);
  });

  test("one that lists the folder already is left alone", () => {
    const root = project("generated/\n");
    const result = init(root);
    expect(result.written).not.toContain(".prettierignore");
    expect(readFileSync(join(root, ".prettierignore"), "utf8")).toBe("generated/\n");
  });
});

describe("a compiled project", () => {
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = createFixture(repoRoot, 10);
    folders.push(fixture.root);
    const result = await compile({
      root: fixture.root,
      definitionsDir: "definitions",
      outDir: "generated",
      tsconfig: "tsconfig.json",
      cache: false,
    });
    expect(result.diagnostics).toEqual([]);
  });

  test("its JSON files are as prettier writes them", async () => {
    const path = join(fixture.root, "generated/features/def-2.json");
    const text = readFileSync(path, "utf8");
    expect(await prettier.format(text, { filepath: path })).toBe(text);
  });

  test("its accessor module is ignored by prettier once init has listed the folder", async () => {
    writeFileSync(join(fixture.root, ".prettierignore"), "");
    // init refuses a project it set up already: the line it adds is what is checked here.
    const root = project();
    init(root);
    writeFileSync(join(fixture.root, ".prettierignore"), readFileSync(join(root, ".prettierignore")));
    const info = await prettier.getFileInfo(join(fixture.root, "generated/index.js"), {
      ignorePath: join(fixture.root, ".prettierignore"),
    });
    expect(info.ignored).toBe(true);
  });
});
