import { mkdtemp, readdir, readFile, rm, mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { compile } from "../compiler/compile.js";
import { printDiagnostics } from "../compiler/diagnostics/print.js";

/**
 * Golden cases: each folder under test/golden holds `definitions/` in (and `support/`, files they
 * import), and what compiling them
 * gives out: `diagnostics.txt` (when there are any) and `generated/` (when the compile succeeds).
 * After a deliberate change to the output, refresh them with `UPDATE_GOLDEN=1 npm test`
 * and review the diff.
 */
const root = fileURLToPath(new URL("..", import.meta.url));
const goldenDir = join(root, "test/golden");
const update = process.env["UPDATE_GOLDEN"] === "1";

async function filesUnder(dir: string, prefix = ""): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory())
      for (const [key, value] of await filesUnder(path, `${prefix}${entry.name}/`)) files.set(key, value);
    else files.set(prefix + entry.name, await readFile(path, "utf8"));
  }
  return files;
}

async function actualOutput(caseDir: string): Promise<Map<string, string>> {
  const out = await mkdtemp(join(tmpdir(), "prosper-golden-"));
  try {
    const result = await compile({
      root,
      definitionsDir: relative(root, join(caseDir, "definitions")),
      outDir: relative(root, out),
    });
    const actual = new Map<string, string>();
    if (result.diagnostics.length) {
      // Paths in messages from the type checker may be absolute: keep the goldens machine-independent.
      const printed = printDiagnostics(result.diagnostics, { color: false, sourceText: result.sourceText });
      actual.set("diagnostics.txt", printed.split(root).join("<root>/") + "\n");
    }
    if (result.ok) for (const [path, content] of await filesUnder(out)) actual.set(`generated/${path}`, content);
    return actual;
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

const cases = (await readdir(goldenDir, { withFileTypes: true }))
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe("golden", () => {
  test("there are cases", () => expect(cases.length).toBeGreaterThan(10));

  test.each(cases)("%s", async (name) => {
    const caseDir = join(goldenDir, name);
    const actual = await actualOutput(caseDir);
    if (update) {
      await rm(join(caseDir, "generated"), { recursive: true, force: true });
      await rm(join(caseDir, "diagnostics.txt"), { force: true });
      for (const [path, content] of actual) {
        await mkdir(dirname(join(caseDir, path)), { recursive: true });
        await writeFile(join(caseDir, path), content);
      }
      return;
    }
    const expected = await filesUnder(caseDir);
    // Inputs: the definitions, and support/ for files they import.
    for (const path of expected.keys())
      if (path.startsWith("definitions/") || path.startsWith("support/")) expected.delete(path);
    expect([...actual.keys()].sort(), "files produced (UPDATE_GOLDEN=1 npm test to accept a change)").toEqual(
      [...expected.keys()].sort(),
    );
    for (const [path, content] of actual) expect(content, path).toBe(expected.get(path));
  });
});
