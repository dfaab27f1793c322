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
    `${await example()}\nexport { greeting, variant, reason, newCheckout, pageSize, value, bucket, why };\n`,
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
  } finally {
    await rm(file, { force: true });
  }
});
