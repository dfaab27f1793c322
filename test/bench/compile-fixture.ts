import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A project of `count` generated definitions for the compile bench: a realistic mix (features
 * with context, session-random and hostname-regex buckets; experiments with two to four
 * variants, some weighted), spread over files of 20 definitions that import shared constants, as
 * a team's definitions folder would. The tsconfig is what a NodeNext TypeScript project has.
 *
 * `prosper/define` resolves to the built packages (`dist/`, declarations and JavaScript), as it
 * does where prosper is installed, when `resolve` is "built": the bench builds them first. Tests
 * leave it at "sources", prosper's TypeScript (the `prosper-source` condition), since a fresh
 * clone has no build. Sources cost `tsc --noEmit` more than they cost a compile: tsc checks
 * them as the project's own files, and the compile checks only the definitions.
 */
export interface Fixture {
  readonly root: string;
  /** Definition files, relative to the root. */
  readonly files: readonly string[];
  /** A file whose change the watch measurement makes, and the output file that change shows in. */
  readonly watched: { readonly file: string; readonly output: string; readonly edit: (n: number) => string };
  /** The default the watched feature has after `edit(n)`. */
  readonly watchedDefault: (n: number) => number;
}

const perFile = 20;

function definition(i: number): { code: string; name: string; kind: "feature" | "experiment" } {
  const name = `def-${i}`;
  const id = `def${i}`;
  switch (i % 5) {
    case 0:
      return {
        kind: "feature",
        name,
        code: `/** Feature ${i}: staff, then a share of one market. */
export const ${id} = feature({
  name: "${name}",
  description: "Rollout ${i}.",
  buckets: [
    { name: "staff", classifier: contextBoolean("staff").eq(true), value: true },
    {
      name: "market",
      classifier: contextString("country").oneOf(markets).and(sessionRandom("${name}").lt(${((i % 9) + 1) / 10})),
      value: true,
    },
  ],
  default: false,
});
`,
      };
    case 1:
      return {
        kind: "feature",
        name,
        code: `/** Feature ${i}: a held-out slice of sessions on len* hosts. */
export const ${id} = feature({
  name: "${name}",
  buckets: [
    { name: "holdout", classifier: all(lt(sessionRandom(), 0.1), regexMatch(hostname(), lenHosts)), value: "off" },
    { name: "beta", classifier: contextString("plan").eq("beta"), value: "new" },
  ],
  default: "old",
});
`,
      };
    case 2:
      return {
        kind: "feature",
        name,
        code: `/** Feature ${i}: a config number by platform and usage. */
export const ${id} = feature({
  name: "${name}",
  buckets: [
    { name: "mobile", classifier: contextString("platform").oneOf(mobile), value: ${10 + (i % 7)} },
    { name: "power", classifier: contextNumber("visits").gte(${i % 50}), value: ${50 + (i % 11)} },
  ],
  default: ${20 + (i % 13)},
});
`,
      };
    case 3:
      return {
        kind: "experiment",
        name,
        code: `/** Experiment ${i}: button copy and colour. */
export const ${id} = experiment({
  name: "${name}",
  description: "Copy test ${i}.",
  variants: {
    control: { label${i}: "Checkout", color${i}: "blue", threshold${i}: ${i % 100} },
    urgent: { label${i}: "Buy now", color${i}: "red", threshold${i}: ${i % 100} },
    generous: { label${i}: "Checkout", color${i}: "green", threshold${i}: ${(i % 100) + 5} },
  },
});
`,
      };
    default:
      return {
        kind: "experiment",
        name,
        code: `/** Experiment ${i}: weighted greetings. */
export const ${id} = experiment({
  name: "${name}",
  algorithm: { kind: "weighted", weights: { control: 50, friendly: 25, casual: 25 } },
  variants: {
    control: { greeting${i}: "Hello!", delay${i}: 0 },
    friendly: { greeting${i}: "Hi there!", delay${i}: ${i % 3} },
    casual: { greeting${i}: "Hey!", delay${i}: ${i % 5} },
  },
});
`,
      };
  }
}

const header = `import {
  all,
  contextBoolean,
  contextNumber,
  contextString,
  experiment,
  feature,
  hostname,
  lt,
  regexMatch,
  sessionRandom,
} from "prosper/define";
import { lenHosts, markets, mobile } from "../shared/audiences.js";
`;

/** Writes the project into a new temporary folder; `repoRoot`'s node_modules is linked in. */
export function createFixture(repoRoot: string, count: number, resolve: "sources" | "built" = "sources"): Fixture {
  const root = mkdtempSync(join(tmpdir(), `prosper-bench-compile-${count}-`));
  mkdirSync(join(root, "definitions"));
  mkdirSync(join(root, "shared"));
  symlinkSync(join(repoRoot, "node_modules"), join(root, "node_modules"), "dir");
  writeFileSync(join(root, "package.json"), JSON.stringify({ name: "bench-app", private: true, type: "module" }));
  writeFileSync(
    join(root, "tsconfig.json"),
    JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          skipLibCheck: true,
          noEmit: true,
          types: [],
          ...(resolve === "sources" ? { customConditions: ["prosper-source"] } : {}),
        },
        include: ["definitions", "shared"],
      },
      null,
      2,
    ),
  );
  writeFileSync(
    join(root, "prosper.config.json"),
    JSON.stringify({ definitions: "definitions", out: "generated", project: "tsconfig.json", format: "esm" }),
  );
  writeFileSync(
    join(root, "shared/audiences.ts"),
    `export const markets = ["NL", "BE", "LU"] as const;\nexport const mobile = ["ios", "android"];\nexport const lenHosts = "^len.+";\n`,
  );
  const files: string[] = [];
  for (let start = 0; start < count; start += perFile) {
    const file = `definitions/area-${String(files.length).padStart(3, "0")}.ts`;
    const body = [];
    for (let i = start; i < Math.min(count, start + perFile); i++) body.push(definition(i).code);
    writeFileSync(join(root, file), `${header}\n${body.join("\n")}`);
    files.push(file);
  }
  // The watched change: definition 2 (a number feature in the first file) gets a new default.
  const watchedFile = files[0]!;
  const watched = {
    file: watchedFile,
    output: "generated/features/def-2.json",
    edit: (n: number) => {
      const body: string[] = [];
      for (let i = 0; i < Math.min(count, perFile); i++) {
        const code = definition(i).code;
        body.push(i === 2 ? code.replace("default: 22,", `default: ${1000 + n},`) : code);
      }
      return `${header}\n${body.join("\n")}`;
    },
  };
  return { root, files, watched, watchedDefault: (n) => 1000 + n };
}
