import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { readExperiment, readFeature } from "prosper-runtime";
import { describe, expect, test } from "vitest";
import { root, typeCheck } from "./support/type-check.js";

describe("generated modules compile with TypeScript", () => {
  test("generated/index.d.ts and every golden generated/index.d.ts", async () => {
    const golden = (await readdir(join(root, "test/golden"))).map((name) =>
      join(root, "test/golden", name, "generated/index.d.ts"),
    );
    const existing = (
      await Promise.all(golden.map(async (file) => ((await readFile(file).catch(() => null)) ? file : null)))
    ).filter((file): file is string => file !== null);
    expect(existing.length).toBeGreaterThan(2);
    expect(typeCheck([join(root, "generated/index.d.ts"), ...existing])).toEqual([]);
  });

  test("an application using the pickers type-checks, and misusing them does not", () => {
    const app = join(root, "test/virtual-app.ts");
    const use = (body: string) => ({
      [app]: `import { createExperiments, createFeatures } from "./golden/valid-shipped/generated/index.js";\n${body}\nexport {};\n`,
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

const generatedFolders = [
  "generated",
  ...(await readdir(join(root, "test/golden")))
    .filter((name) => name.startsWith("valid-"))
    .map((name) => `test/golden/${name}/generated`),
];

describe("what the compiler writes, the runtime reads", () => {
  test.each(generatedFolders)("%s: every JSON document passes the runtime's reader unchanged", async (generated) => {
    let documents = 0;
    for (const [folder, read] of [
      ["experiments", readExperiment],
      ["features", readFeature],
    ] as const) {
      for (const file of await readdir(join(root, generated, folder)).catch(() => [] as string[])) {
        const document: unknown = JSON.parse(await readFile(join(root, generated, folder, file), "utf8"));
        const result = read(document);
        expect(result.ok ? [] : result.problems, `${folder}/${file}`).toEqual([]);
        // Nothing dropped or changed on the way: the file is the document.
        expect(result.ok && result.document, `${folder}/${file}`).toEqual(document);
        documents++;
      }
    }
    // Every golden folder but the empty case has documents; the project's own may have none.
    expect(documents > 0 || generated === "generated" || generated.includes("valid-empty")).toBe(true);
  });
});
