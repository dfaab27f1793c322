import { cp, mkdir, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { compile, type CompileOptions } from "../compiler/compile.js";
import { printDiagnostics } from "../compiler/diagnostics/print.js";

/**
 * Golden cases: each folder under test/golden holds `definitions/` in (and `support/`, files they
 * import), and what compiling them gives out: `diagnostics.txt` (when there are any) and
 * `generated/` (when the compile succeeds). A `case.json` sets up what git cannot hold or a
 * formatter would change: symbolic links, CRLF or CR-only line endings, an empty definitions
 * folder, extra files, compile options. After a deliberate change to the output, refresh them
 * with `UPDATE_GOLDEN=1 npm test` and review the diff.
 */
const root = fileURLToPath(new URL("..", import.meta.url));
const goldenDir = join(root, "test/golden");
const workDir = join(root, "test/.golden-work");
const update = process.env["UPDATE_GOLDEN"] === "1";

interface CaseSetup {
  readonly options?: {
    readonly project?: string;
    readonly limits?: CompileOptions["limits"];
    readonly strict?: boolean;
    /** Write PyOF's files too, into `pyof/` of the case's output. */
    readonly pyof?: boolean;
  };
  readonly symlinks?: readonly { readonly path: string; readonly target: string }[];
  readonly lineEndings?: Readonly<Record<string, "crlf" | "cr">>;
  readonly files?: Readonly<Record<string, string>>;
  readonly emptyDefinitions?: boolean;
}

async function filesUnder(dir: string, prefix = ""): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory())
      for (const [key, value] of await filesUnder(path, `${prefix}${entry.name}/`)) files.set(key, value);
    else if (entry.isFile()) files.set(prefix + entry.name, await readFile(path, "utf8"));
  }
  return files;
}

/** A copy of the case with its set-up applied, inside the repository so that `prosper/define` resolves. */
async function prepare(name: string, setup: CaseSetup): Promise<string> {
  const work = join(workDir, name);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  for (const part of ["definitions", "support"])
    await cp(join(goldenDir, name, part), join(work, part), { recursive: true }).catch(() => undefined);
  if (setup.emptyDefinitions) await mkdir(join(work, "definitions"), { recursive: true });
  for (const [path, content] of Object.entries(setup.files ?? {})) {
    await mkdir(dirname(join(work, path)), { recursive: true });
    await writeFile(join(work, path), content);
  }
  for (const [path, ending] of Object.entries(setup.lineEndings ?? {})) {
    const text = await readFile(join(work, path), "utf8");
    await writeFile(join(work, path), text.replace(/\r?\n/g, ending === "crlf" ? "\r\n" : "\r"));
  }
  for (const link of setup.symlinks ?? []) {
    await mkdir(dirname(join(work, link.path)), { recursive: true });
    await symlink(link.target, join(work, link.path));
  }
  return work;
}

async function actualOutput(name: string): Promise<Map<string, string>> {
  const setup = JSON.parse(await readFile(join(goldenDir, name, "case.json"), "utf8").catch(() => "{}")) as CaseSetup;
  const work = await prepare(name, setup);
  const out = join(work, "generated");
  try {
    const result = await compile({
      root,
      definitionsDir: relative(root, join(work, "definitions")),
      outDir: relative(root, out),
      ...(setup.options?.project ? { tsconfig: relative(root, join(work, setup.options.project)) } : {}),
      ...(setup.options?.limits ? { limits: setup.options.limits } : {}),
      ...(setup.options?.strict ? { strict: true } : {}),
      ...(setup.options?.pyof ? { pyofDir: relative(root, join(work, "pyof")) } : {}),
    });
    const actual = new Map<string, string>();
    // Paths in messages may be absolute, and the case ran in a copy: keep the goldens machine-independent.
    const portable = (text: string) =>
      text
        .split(work)
        .join(`<root>/test/golden/${name}`)
        .split(relative(root, work))
        .join(`test/golden/${name}`)
        .split(root)
        .join("<root>/");
    if (result.diagnostics.length) {
      const printed = printDiagnostics(result.diagnostics, { color: false, sourceText: result.sourceText });
      actual.set("diagnostics.txt", portable(printed) + "\n");
    }
    if (result.ok) {
      for (const [path, content] of await filesUnder(out)) actual.set(`generated/${path}`, portable(content));
      for (const [path, content] of await filesUnder(join(work, "pyof"))) actual.set(`pyof/${path}`, content);
      if (result.pyofSkipped.length)
        actual.set("pyof-skipped.txt", result.pyofSkipped.map(({ name, why }) => `${name}: ${why}\n`).join(""));
    }
    return actual;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

const cases = (await readdir(goldenDir, { withFileTypes: true }))
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe("golden", () => {
  test("there are cases, 40 and more of them hostile", () => {
    expect(cases.length).toBeGreaterThan(10);
    expect(cases.filter((name) => name.startsWith("hostile-")).length).toBeGreaterThanOrEqual(40);
  });

  test.each(cases)("%s", async (name) => {
    const caseDir = join(goldenDir, name);
    const actual = await actualOutput(name);
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
    // Inputs: the definitions, support/ for files they import, and the set-up.
    for (const path of expected.keys())
      if (path.startsWith("definitions/") || path.startsWith("support/") || path === "case.json") expected.delete(path);
    expect([...actual.keys()].sort(), "files produced (UPDATE_GOLDEN=1 npm test to accept a change)").toEqual(
      [...expected.keys()].sort(),
    );
    for (const [path, content] of actual) expect(content, path).toBe(expected.get(path));
    // A hostile case fails the compile (never an internal error) and points at a place.
    if (name.startsWith("hostile-")) expect(actual.get("diagnostics.txt")).toMatch(/ - error (PRS|TS)\d+: /);
  });
});
