import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createFeatures, type Environment, type EvaluationContext, type FeatureJson } from "prosper-runtime";
import type { FeatureFactories, FeatureOptions, Features } from "prosper-runtime/features";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DocumentMemo, indented } from "../../compiler/stages/emit/code-text.js";
import { featureCode, type Memo } from "../../compiler/stages/emit/feature-code.js";
import conformance from "../conformance/features.json" with { type: "json" };
import { root } from "../support/type-check.js";

/**
 * The accessor module is written directly as JavaScript or as TypeScript (no transpiler between
 * them): the JavaScript factories must be the TypeScript ones without their types, so every
 * conformance case gives the same result through the JavaScript table as through the document
 * evaluator (the TypeScript table is held to it by test/runtime/generated-evaluators.test.ts).
 */
type Case = [name: string, document: FeatureJson, context: EvaluationContext, environment: Environment, unknown];
const cases = conformance.cases as unknown as Case[];

const workDir = join(root, "test/.accessor-languages-work");
beforeAll(async () => {
  await rm(workDir, { recursive: true, force: true });
  await mkdir(workDir, { recursive: true });
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

interface JavaScriptModule {
  readonly create: (index: number, options?: FeatureOptions) => Features<never>;
}

const quiet = { onError: () => {} };

describe("the JavaScript factories", () => {
  let module: JavaScriptModule;
  let source: string;
  beforeAll(async () => {
    const codes = cases.map(([, document]) => featureCode([structuredClone(document)], false));
    const helpers = [...new Set(codes.flatMap((code) => code.helpers))];
    source = [
      `import { generatedFeatures, ${helpers.join(", ")} } from "prosper-runtime/features";`,
      ...codes.map((code, index) => `const table${index} = ${code.table};`),
      `const tables = [${codes.map((_, index) => `table${index}`).join(", ")}];`,
      `export const create = (index, options) => generatedFeatures(tables[index], options);`,
      ``,
    ].join("\n");
    // .mjs: read as JavaScript, so a type left in the code fails the import.
    const file = join(workDir, "features.mjs");
    await writeFile(file, source);
    module = (await import(/* @vite-ignore */ file)) as JavaScriptModule;
  });

  test("import no types and hold none", () => {
    expect(source).not.toMatch(
      /\btype \w|\bas (Outcome|string\[\]|never)\b|: (FeatureKit|Outcome|EvaluationContext)\b/,
    );
  });

  test.each(cases.map(([name, ...rest], index) => [name, index, ...rest] as const))(
    "%s",
    (_name, index, document, context, environment) => {
      const result = module
        .create(index, { ...environment, ...quiet })
        .evaluate(document.name as never, context as never);
      const json = createFeatures([structuredClone(document)], { ...environment, ...quiet }).evaluate(
        document.name,
        context,
      );
      const parts = (r: typeof json) => ({ value: r.value, bucket: r.bucket, reason: r.reason, message: r.message });
      expect(parts(result as typeof json)).toEqual(parts(json));
    },
  );
});

describe("feature pieces", () => {
  const documents = cases.slice(0, 12).map(([, document]) => document);
  /** A watch's memo, counting the pieces it had to make. */
  const counting = () => {
    const memo = new DocumentMemo();
    const counted = { made: 0, memo };
    const get: Memo = (document, part, make) => memo.get(document, part, () => (counted.made++, make()));
    return { counted, get };
  };

  test("an unchanged document's piece is reused; a changed one is made again; the table is the same as without", () => {
    const { counted, get } = counting();
    const first = featureCode(documents, false, get);
    expect(first).toEqual(featureCode(documents, false));
    const distinct = new Set(documents.map((document) => JSON.stringify(document))).size;
    expect(counted.made).toBe(distinct);
    counted.memo.settle();
    const changed = documents.map((document, index) => (index === 3 ? { ...document, default: "changed" } : document));
    // New objects with the same content are known again: pieces go by text, not identity.
    const second = featureCode(structuredClone(changed), false, get);
    expect(second).toEqual(featureCode(changed, false));
    expect(second.table).not.toEqual(first.table);
    expect(counted.made).toBe(distinct + 1);
    counted.memo.settle();
    // What the last compile did not use is forgotten: the old document 3 is made again.
    featureCode(documents, false, get);
    expect(counted.made).toBe(distinct + 2);
  });

  test("TypeScript and JavaScript pieces are kept apart", () => {
    const { get } = counting();
    const javascript = featureCode(documents, false, get);
    const typescript = featureCode(documents, true, get);
    expect(typescript.table).not.toEqual(javascript.table);
    expect(typescript).toEqual(featureCode(documents, true));
  });
});

describe("indented", () => {
  test("indents by the brackets of the code, not those inside string literals", () => {
    const code = [
      `x: (k) => {`,
      `const a = "{[(\\"";`,
      `if (a) {`,
      `return f({ b: "}" });`,
      `} else {`,
      `j0: {`,
      `break j0;`,
      `}`,
      `}`,
      `/** an unclosed { in a comment */`,
      `return g;`,
      `},`,
    ].join("\n");
    expect(indented(code, 1)).toBe(
      [
        `  x: (k) => {`,
        `    const a = "{[(\\"";`,
        `    if (a) {`,
        `      return f({ b: "}" });`,
        `    } else {`,
        `      j0: {`,
        `        break j0;`,
        `      }`,
        `    }`,
        `    /** an unclosed { in a comment */`,
        `    return g;`,
        `  },`,
      ].join("\n"),
    );
  });

  test("every generated factory closes where it opened, whatever its strings hold", () => {
    const hostile = structuredClone(documents2());
    const { table } = featureCode(hostile, false);
    const lines = table.split("\n");
    expect(lines.at(-1)).toBe("}");
    // Each member starts and ends at one level in.
    const members = lines.filter((line) => /^ {2}\S/.test(line));
    expect(members.length % 2).toBe(0);
  });
});

/** Documents whose names, keys, patterns and values hold brackets and quotes. */
function documents2(): FeatureJson[] {
  const names = [`a{b`, `c"}d`, `e\\"[f`, `)g(`];
  return names.map((name) => ({
    formatVersion: 1,
    kind: "feature",
    name,
    buckets: [
      {
        name: `${name}}`,
        classifier: {
          kind: "all",
          of: [
            { kind: "eq", attribute: { kind: "context", key: `{${name}`, type: "string" }, value: `"}${name}` },
            { kind: "regexMatch", attribute: { kind: "hostname" }, pattern: `^[{(]${name.replace(/\W/g, "")}` },
          ],
        },
        value: { [`}${name}`]: [`{`, `"`] },
      },
    ],
    default: `]${name}`,
  })) as FeatureJson[];
}
