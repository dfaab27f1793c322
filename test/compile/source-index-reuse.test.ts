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
const document = { name: "f", buckets: [], default: 1 };
/**
 * Where the watch's load places each site, and where a fresh load does: the definition, its name
 * and its default's key (these two walk the call's node, found again on a cached answer).
 */
const placed = async () => {
  const watched = load(root, inputs(), state).index;
  // As a watch does: the sites located ahead, then asked for.
  await watched.prepare(sites(), () => false);
  const fresh = load(root, inputs()).index;
  const where = (index: typeof fresh, site: ReturnType<typeof sites>[number]) => {
    const source = index.locate(site, document);
    return { span: source.span, name: source.at(["name"]), defaultKey: source.keyAt(["default"]) };
  };
  return sites().map((site) => ({ watched: where(watched, site), fresh: where(fresh, site) }));
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

test("a definition written in an imported file is placed there", async () => {
  const [viaImport, direct] = await placed();
  expect(viaImport!.watched).toEqual(viaImport!.fresh);
  expect(viaImport!.watched.span.file).toBe("shared/flags.ts");
  expect(direct!.watched).toEqual(direct!.fresh);
  expect(direct!.watched.span.file).toBe("definitions/a.ts");
  // The name is placed at its own literal, not at the whole call.
  expect(direct!.watched.name.start).toBeGreaterThan(direct!.watched.span.start);
});

test("when the imported file moves it, the watch places it where it is now", async () => {
  const before = (await placed())[0]!.watched;
  writeFileSync(flagsFile(), flags("// moved down\n// by two lines\n"));
  const [viaImport, direct] = await placed();
  expect(viaImport!.watched).toEqual(viaImport!.fresh);
  const moved = "// moved down\n// by two lines\n".length;
  expect(viaImport!.watched.span.start).toBe(before.span.start + moved);
  expect(viaImport!.watched.name.start).toBe(before.name.start + moved);
  expect(direct!.watched).toEqual(direct!.fresh);
});

test("when only the definition file changes below them, both stay where they are", async () => {
  const before = await placed();
  writeFileSync(definitionFile(), definitions("// a note at the end\n"));
  const after = await placed();
  for (const [index, { watched, fresh }] of after.entries()) {
    expect(watched).toEqual(fresh);
    expect(watched).toEqual(before[index]!.watched);
  }
});

test("when the definition file changes above them, both move with it", async () => {
  writeFileSync(definitionFile(), `// a note on top\n${definitions()}`);
  for (const { watched, fresh } of await placed()) expect(watched).toEqual(fresh);
});

test("an unrelated file's change keeps the answers, and they are still right", async () => {
  writeFileSync(join(root, "definitions/other.ts"), `export const unrelated = 1;\n`);
  const first = await placed();
  writeFileSync(join(root, "definitions/other.ts"), `// edited\nexport const unrelated = 2;\n`);
  const second = await placed();
  for (const [index, { watched, fresh }] of second.entries()) {
    expect(watched).toEqual(fresh);
    expect(watched).toEqual(first[index]!.watched);
  }
});
