import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { expect, test } from "vitest";
import { root, typeCheck } from "./support/type-check.js";

/**
 * The README's typed-pickers example, as written, but run against the shipped examples' fixture
 * (the golden case valid-shipped) rather than generated/, which holds the project's own
 * definitions: it must type-check and run.
 */
async function example(): Promise<string> {
  const readme = await readFile(join(root, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Using the typed pickers"));
  const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error("README has no ts block under 'Using the typed pickers'");
  if (!block.includes(`"../generated/index.js"`))
    throw new Error("the README's example no longer imports ../generated");
  return block.replace(`"../generated/index.js"`, `"./golden/valid-shipped/generated/index.js"`);
}

test("the README's pickers example type-checks", async () => {
  expect(typeCheck([], { [join(root, "test/readme-example.ts")]: `${await example()}\nexport {};\n` })).toEqual([]);
});

test("the README's pickers example runs and gives what its comments say", async () => {
  // Written beside this test so that its relative import of ../generated resolves as in the README.
  const file = join(root, "test", `readme-example.${process.pid}.tmp.ts`);
  await writeFile(
    file,
    `${await example()}\nexport { greeting, variant, reason, newCheckout, pageSize, value, bucket, why, perPage };\n`,
  );
  try {
    const results = await import(pathToFileURL(file).href);
    expect(["Hello!", "Hi there!", "Hey!"]).toContain(results.greeting);
    expect(results.reason).toBe("SPLIT");
    expect(["control", "friendly", "casual"]).toContain(results.variant);
    expect(typeof results.newCheckout).toBe("boolean");
    expect(results.pageSize).toBe(10);
    expect(["holdout", "control", "default"]).toContain(results.bucket);
    expect(["SPLIT", "DEFAULT"]).toContain(results.why);
    expect(results.perPage).toBe(10);
  } finally {
    await rm(file, { force: true });
  }
});

/** The README's custom-algorithm example: its definition block and its application block. */
async function customAlgorithmExample(): Promise<{ definition: string; app: string }> {
  const readme = await readFile(join(root, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Experiments that learn"));
  const [definition, app] = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);
  if (!definition || !app?.includes(`"../generated/index.js"`))
    throw new Error("README's 'Experiments that learn' no longer has the definition and app blocks");
  const fixture = "./golden/valid-readme-custom-algorithm/generated/index.js";
  return { definition, app: app.replace(`"../generated/index.js"`, JSON.stringify(fixture)) };
}

test("the README's custom-algorithm definition is the one its fixture compiles", async () => {
  const { definition } = await customAlgorithmExample();
  const fixture = join(root, "test/golden/valid-readme-custom-algorithm/definitions/pricing.ts");
  expect(await readFile(fixture, "utf8")).toBe(definition);
});

test("the README's custom-algorithm app type-checks, and not without the algorithm", async () => {
  const { app } = await customAlgorithmExample();
  const file = join(root, "test/readme-custom-example.ts");
  expect(typeCheck([], { [file]: `${app}\nexport {};\n` })).toEqual([]);
  const unregistered = app.replace("createExperiments({ algorithms: { softmax } })", "createExperiments()");
  expect(unregistered).not.toBe(app);
  expect(typeCheck([], { [file]: `${unregistered}\nexport {};\n` }).join("\n")).toMatch(
    /Expected 1 arguments, but got 0/,
  );
});

test("the README's custom-algorithm app runs, and its algorithm chooses", async () => {
  const { app } = await customAlgorithmExample();
  const file = join(root, "test", `readme-custom-example.${process.pid}.tmp.ts`);
  await writeFile(file, `${app}\nexport { price, variants };\n`);
  try {
    const { price, variants } = await import(pathToFileURL(file).href);
    expect([10, 12, 9]).toContain(price);
    expect(variants.map((variant: { variant: string }) => variant.variant)).toEqual(["control", "higher", "lower"]);
    // The one unit was assigned, served and completed with score 1, through softmax.
    const served = variants.find((variant: { completed: number }) => variant.completed === 1);
    expect(served).toMatchObject({ assigned: 1, completed: 1, mean: 1 });
  } finally {
    await rm(file, { force: true });
  }
});
