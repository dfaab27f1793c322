import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, test } from "vitest";
import { root, typeCheck } from "./support/type-check.js";

describe("generated modules compile with TypeScript", () => {
  test("generated/index.ts and every golden generated/index.ts", async () => {
    const golden = (await readdir(join(root, "test/golden"))).map((name) =>
      join(root, "test/golden", name, "generated/index.ts"),
    );
    const existing = (
      await Promise.all(golden.map(async (file) => ((await readFile(file).catch(() => null)) ? file : null)))
    ).filter((file): file is string => file !== null);
    expect(existing.length).toBeGreaterThan(2);
    expect(typeCheck([join(root, "generated/index.ts"), ...existing])).toEqual([]);
  });

  test("an application using the pickers type-checks, and misusing them does not", () => {
    const app = join(root, "test/virtual-app.ts");
    const use = (body: string) => ({
      [app]: `import { createExperiments, createFeatures } from "../generated/index.js";\n${body}\nexport {};\n`,
    });
    expect(
      typeCheck(
        [],
        use(`const g: "Hello!" | "Hi there!" | "Hey!" = await createExperiments().pick("u", "greeting");
const on: boolean = createFeatures().get("new-checkout", { country: "NL", staff: false });`),
      ),
    ).toEqual([]);
    expect(typeCheck([], use(`await createExperiments().pick("u", "farewell");`)).join("\n")).toContain(`"farewell"`);
    expect(
      typeCheck([], use(`const n: number = await createExperiments().pick("u", "greeting");`)).join("\n"),
    ).toContain("not assignable to type 'number'");
    expect(typeCheck([], use(`createFeatures().get("new-checkout", { country: 31 });`)).join("\n")).toContain(
      "not assignable",
    );
  });
});

/** Runs every definition file in `definitions` and returns its definitions by the JSON path they compile to. */
async function runDefinitions(definitions: string): Promise<Map<string, unknown>> {
  const found = new Map<string, unknown>();
  for (const file of (await readdir(definitions, { recursive: true })).filter((name) => name.endsWith(".ts"))) {
    const module = (await import(pathToFileURL(join(definitions, file)).href)) as Record<
      string,
      { kind?: string; name?: string }
    >;
    for (const definition of Object.values(module)) {
      if (definition?.kind !== "experiment" && definition?.kind !== "feature") continue;
      const folder = definition.kind === "experiment" ? "experiments" : "features";
      // Through JSON, as the compiler's output is: attribute and classifier objects have toJSON.
      found.set(`${folder}/${definition.name}.json`, { formatVersion: 1, ...JSON.parse(JSON.stringify(definition)) });
    }
  }
  return found;
}

async function readGenerated(generated: string): Promise<Map<string, unknown>> {
  const found = new Map<string, unknown>();
  for (const folder of ["experiments", "features"]) {
    for (const file of await readdir(join(generated, folder)).catch(() => [] as string[])) {
      found.set(`${folder}/${file}`, JSON.parse(await readFile(join(generated, folder, file), "utf8")));
    }
  }
  return found;
}

const compiledCases = [
  ["definitions", "generated"],
  ...(await readdir(join(root, "test/golden")))
    .filter((name) => name.startsWith("valid-"))
    .map((name) => [`test/golden/${name}/definitions`, `test/golden/${name}/generated`]),
];

describe("the compiler reads definitions as running them gives", () => {
  test.each(compiledCases)(
    "%s: every exported definition equals its JSON, and every JSON file has its definition",
    async (definitions, generated) => {
      const fromDefinitions = await runDefinitions(join(root, definitions!));
      const fromCompiler = await readGenerated(join(root, generated!));
      expect([...fromCompiler.keys()].sort()).toEqual([...fromDefinitions.keys()].sort());
      for (const [path, json] of fromCompiler) expect(json, path).toEqual(fromDefinitions.get(path));
    },
  );
});
