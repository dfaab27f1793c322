import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, test } from "vitest";
import { findInputs, load, newLoadState, type LoadState } from "../../compiler/stages/load/load.js";

/**
 * A watch keeps where each definition was found from one program to the next, for files that did
 * not change. A definition can be written in another file than the export that reaches it: a
 * change there must move it too, so what a watch locates is always what a fresh load locates.
 */
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
let root: string;
let state: LoadState;

const flagsFile = () => join(root, "shared/flags.ts");
const definitionFile = () => join(root, "definitions/a.ts");
const flags = (before = "") =>
  `${before}import { feature } from "prosper/define";\nexport const flag = feature({ name: "f", buckets: [], default: 1 });\n`;
const definitions = (after = "") =>
  `import { feature } from "prosper/define";\nimport { flag } from "../shared/flags.js";\nexport const viaImport = flag;\nexport const direct = feature({ name: "d", buckets: [], default: 2 });\n${after}`;

const inputs = () => findInputs({ root, definitionsDir: "definitions", tsconfig: "tsconfig.json" });
const sites = () =>
  ["viaImport", "direct"].map((exportName) => ({ file: definitionFile(), exportName, path: [] as string[] }));
/** Where the watch's load places each site, and where a fresh load does. */
const placed = () => {
  const watched = load(root, inputs(), state).index;
  const fresh = load(root, inputs()).index;
  return sites().map((site) => ({
    watched: watched.locate(site, {}).span,
    fresh: fresh.locate(site, {}).span,
  }));
};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "prosper-index-reuse-"));
  mkdirSync(join(root, "definitions"));
  mkdirSync(join(root, "shared"));
  symlinkSync(join(repoRoot, "node_modules"), join(root, "node_modules"), "dir");
  writeFileSync(join(root, "package.json"), JSON.stringify({ type: "module" }));
  writeFileSync(
    join(root, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        customConditions: ["prosper-source"],
      },
    }),
  );
  writeFileSync(flagsFile(), flags());
  writeFileSync(definitionFile(), definitions());
  state = newLoadState();
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

test("a definition written in an imported file is placed there", () => {
  const [viaImport, direct] = placed();
  expect(viaImport!.watched).toEqual(viaImport!.fresh);
  expect(viaImport!.watched.file).toBe("shared/flags.ts");
  expect(direct!.watched).toEqual(direct!.fresh);
  expect(direct!.watched.file).toBe("definitions/a.ts");
});

test("when the imported file moves it, the watch places it where it is now", () => {
  const before = placed()[0]!.watched.start;
  writeFileSync(flagsFile(), flags("// moved down\n// by two lines\n"));
  const [viaImport, direct] = placed();
  expect(viaImport!.watched).toEqual(viaImport!.fresh);
  expect(viaImport!.watched.start).toBe(before + "// moved down\n// by two lines\n".length);
  expect(direct!.watched).toEqual(direct!.fresh);
});

test("when only the definition file changes, both stay where they are", () => {
  writeFileSync(definitionFile(), definitions("// a note at the end\n"));
  for (const { watched, fresh } of placed()) expect(watched).toEqual(fresh);
});

test("when the definition file changes above them, both move with it", () => {
  writeFileSync(definitionFile(), `// a note on top\n${definitions()}`);
  for (const { watched, fresh } of placed()) expect(watched).toEqual(fresh);
});
