import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, test } from "vitest";
import { stageCodes } from "../compiler/diagnostics/codes.js";
import { rules } from "../compiler/stages/check/rules/index.js";
import { root } from "./support/type-check.js";

const codes = [...Object.values(stageCodes), ...rules.map((rule) => rule.code)];

test("every diagnostic code is unique", () => {
  expect(new Set(codes).size).toBe(codes.length);
});

test("each rule lives in a file of its own name, and every rule file is in the table", async () => {
  const files = (await readdir(join(root, "compiler/stages/check/rules"))).filter((file) => file !== "index.ts");
  expect(rules.map((rule) => `${rule.name}.ts`).sort()).toEqual(files.sort());
});

test("the README's table lists exactly the codes there are", async () => {
  const readme = await readFile(join(root, "README.md"), "utf8");
  const listed = [...readme.matchAll(/^\| (PRS\d+) \|/gm)].map((match) => match[1]);
  expect(listed.sort()).toEqual([...codes].sort());
});
