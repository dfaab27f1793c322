import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import type { OutputFile } from "../../compiler/stages/emit/emit.js";
import { apply, plan } from "../../compiler/stages/emit/write-files.js";

/**
 * Writing a plan: a few files are staged on libuv's threads, many by a thread of their own, one
 * after another. Either way every file lands whole, and a file that cannot be staged leaves the
 * output folder as it was and nothing staged.
 */
let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

const documentFile = (index: number): OutputFile => ({
  path: `generated/features/feature-${index}.json`,
  content: `${JSON.stringify({ formatVersion: 1, kind: "feature", name: `feature-${index}`, pad: "é".repeat(index) })}\n`,
});

function setUp(): void {
  root = mkdtempSync(join(tmpdir(), "prosper-write-files-"));
  // Staging goes under node_modules/.cache/prosper when node_modules is on the output's device.
  mkdirSync(join(root, "node_modules"));
}

const stagingLeft = () => {
  const parent = join(root, "node_modules/.cache/prosper");
  return existsSync(parent) ? readdirSync(parent).filter((entry) => entry.startsWith("prosper-staging-")) : [];
};

describe.each([
  ["a few files, on libuv's threads", 5],
  ["many files, on a thread of their own", 300],
])("%s", (_, count) => {
  test("every file is written whole, and nothing is left staged", async () => {
    setUp();
    const files = Array.from({ length: count }, (_, index) => documentFile(index));
    const changes = plan(root, "generated", files);
    expect(changes.every((change) => change.status === "written")).toBe(true);
    await apply(root, "generated", files, changes);
    for (const file of files) expect(readFileSync(join(root, file.path), "utf8")).toBe(file.content);
    expect(readdirSync(join(root, "generated/features"))).toHaveLength(count);
    expect(stagingLeft()).toEqual([]);
  });

  test("a file that cannot be staged leaves the output folder as it was", async () => {
    setUp();
    mkdirSync(join(root, "generated/features"), { recursive: true });
    const before = documentFile(0);
    writeFileSync(join(root, before.path), before.content);
    const files = Array.from({ length: count }, (_, index) => documentFile(index + 1));
    // A name longer than any file system takes: its folder is made, the file cannot be.
    files.push({ path: `generated/features/${"x".repeat(300)}.json`, content: "{}\n" });
    const changes = plan(root, "generated", files);
    await expect(apply(root, "generated", files, changes)).rejects.toThrow(/ENAMETOOLONG|name too long/i);
    expect(readdirSync(join(root, "generated/features"))).toEqual(["feature-0.json"]);
    expect(readFileSync(join(root, before.path), "utf8")).toBe(before.content);
    expect(stagingLeft()).toEqual([]);
  });
});

/** Every file and folder under `folder`, by path. */
function tree(folder: string): string[] {
  const found: string[] = [];
  const walk = (relative: string) => {
    for (const entry of readdirSync(join(folder, relative), { withFileTypes: true })) {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      found.push(entry.isDirectory() ? `${path}/` : path);
      if (entry.isDirectory()) walk(path);
    }
  };
  walk("");
  return found.sort();
}

describe("where files are staged", () => {
  test.each([5, 300])(
    "an output folder outside the project: %i files land there, and nothing else in the project changes",
    async (count) => {
      const base = mkdtempSync(join(tmpdir(), "prosper-write-files-"));
      root = join(base, "app");
      mkdirSync(join(root, "node_modules/some-package"), { recursive: true });
      writeFileSync(join(root, "node_modules/some-package/index.d.ts"), "export {};\n");
      const before = tree(root);
      const files = Array.from({ length: count }, (_, index) => ({
        ...documentFile(index),
        path: `../outside/gen/features/feature-${index}.json`,
      }));
      await apply(root, "../outside/gen", files, plan(root, "../outside/gen", files));
      for (const file of files) expect(readFileSync(join(root, file.path), "utf8")).toBe(file.content);
      // Nothing staged is left, and nothing elsewhere changed (the staging folder's parent may stay).
      expect(
        tree(root).filter((path) => path !== "node_modules/.cache/" && path !== "node_modules/.cache/prosper/"),
      ).toEqual(before);
      rmSync(base, { recursive: true, force: true });
      root = mkdtempSync(join(tmpdir(), "prosper-write-files-"));
    },
  );

  test("node_modules/.cache that cannot hold the staging folder: staged beside the output instead", async () => {
    setUp();
    // A file where the cache folder would be (as a read-only install refuses a folder).
    writeFileSync(join(root, "node_modules/.cache"), "");
    const files = Array.from({ length: 3 }, (_, index) => documentFile(index));
    await apply(root, "generated", files, plan(root, "generated", files));
    for (const file of files) expect(readFileSync(join(root, file.path), "utf8")).toBe(file.content);
    expect(tree(root)).toEqual(
      [
        "generated/",
        "generated/features/",
        ...files.map((file) => file.path),
        "node_modules/",
        "node_modules/.cache",
      ].sort(),
    );
  });
});
