import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import {
  certainlyNoCustomConditions,
  withoutCommentsAndTrailingCommas,
} from "../../compiler/stages/load/tsconfig-peek.js";

/**
 * A single compile bundles the definitions before TypeScript has loaded only when the tsconfig
 * certainly sets no customConditions (the one setting the run takes from it that esbuild does not
 * read itself). Any doubt means no: the compile then bundles after reading the tsconfig, as always.
 */
const dir = mkdtempSync(join(tmpdir(), "prosper-tsconfig-peek-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let made = 0;
const project = (files: Record<string, string>) => {
  const root = join(dir, `p${made++}`);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return join(root, "tsconfig.json");
};

describe("certainlyNoCustomConditions", () => {
  test("a config without them, comments and trailing commas and all", () => {
    expect(
      certainlyNoCustomConditions(
        project({
          "tsconfig.json": `{
  // NodeNext, as init writes it
  "compilerOptions": { "module": "NodeNext", /* strict */ "strict": true, },
  "include": ["definitions", "src/**/*.ts",],
}`,
        }),
      ),
    ).toBe(true);
  });

  test("a config that sets them, or names them anywhere", () => {
    expect(
      certainlyNoCustomConditions(
        project({ "tsconfig.json": `{ "compilerOptions": { "customConditions": ["source"] } }` }),
      ),
    ).toBe(false);
    expect(certainlyNoCustomConditions(project({ "tsconfig.json": `{ /* no customConditions here */ }` }))).toBe(false);
  });

  test("follows extends, relative and from a package, and is sure only when every config is", () => {
    const base = `{ "compilerOptions": { "strict": true } }`;
    const withConditions = `{ "compilerOptions": { "customConditions": ["source"] } }`;
    expect(
      certainlyNoCustomConditions(
        project({ "tsconfig.json": `{ "extends": "./configs/base" }`, "configs/base.json": base }),
      ),
    ).toBe(true);
    expect(
      certainlyNoCustomConditions(
        project({ "tsconfig.json": `{ "extends": "./configs/base.json" }`, "configs/base.json": withConditions }),
      ),
    ).toBe(false);
    expect(
      certainlyNoCustomConditions(
        project({
          "tsconfig.json": `{ "extends": ["@team/tsconfig", "./local.json"] }`,
          "local.json": base,
          "node_modules/@team/tsconfig/package.json": `{ "name": "@team/tsconfig", "version": "1.0.0" }`,
          "node_modules/@team/tsconfig/tsconfig.json": withConditions,
        }),
      ),
    ).toBe(false);
    expect(
      certainlyNoCustomConditions(
        project({
          "tsconfig.json": `{ "extends": "@team/tsconfig/node.json" }`,
          "node_modules/@team/tsconfig/package.json": `{ "name": "@team/tsconfig", "version": "1.0.0" }`,
          "node_modules/@team/tsconfig/node.json": base,
        }),
      ),
    ).toBe(true);
  });

  test("unsure means no: a name spelled with escapes, a package TypeScript may read otherwise", () => {
    expect(
      certainlyNoCustomConditions(
        project({ "tsconfig.json": `{ "compilerOptions": { "custom\\u0043onditions": ["source"] } }` }),
      ),
    ).toBe(false);
    expect(
      certainlyNoCustomConditions(
        project({
          "tsconfig.json": `{ "extends": "@team/tsconfig" }`,
          "node_modules/@team/tsconfig/package.json": `{ "name": "@team/tsconfig", "tsconfig": "./base.json" }`,
          "node_modules/@team/tsconfig/tsconfig.json": `{}`,
          "node_modules/@team/tsconfig/base.json": `{ "compilerOptions": { "customConditions": ["x"] } }`,
        }),
      ),
    ).toBe(false);
  });

  test("unsure means no: a missing base, a config that does not parse, a loop", () => {
    expect(certainlyNoCustomConditions(project({ "tsconfig.json": `{ "extends": "./missing.json" }` }))).toBe(false);
    expect(certainlyNoCustomConditions(project({ "tsconfig.json": `{ "compilerOptions": ` }))).toBe(false);
    expect(certainlyNoCustomConditions(project({ "tsconfig.json": `{ "extends": "./tsconfig.json" }` }))).toBe(false);
    expect(certainlyNoCustomConditions(join(dir, "nowhere", "tsconfig.json"))).toBe(false);
  });
});

describe("withoutCommentsAndTrailingCommas", () => {
  test("keeps strings whole, drops comments and the commas before a closing bracket", () => {
    const text = `{
  "a": "http://x/*y*/", // a URL
  "b": ["c,", "d\\\\", /* e */ "f\\"g",],
  /* last */ "h": { "i": 1, /* j */ },
}`;
    expect(JSON.parse(withoutCommentsAndTrailingCommas(text))).toEqual({
      a: "http://x/*y*/",
      b: ["c,", "d\\", 'f"g'],
      h: { i: 1 },
    });
  });
});
