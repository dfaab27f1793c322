import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { configFileName, type ProjectConfig } from "./config.js";

export interface InitResult {
  /** Files written or changed, relative to the root. */
  readonly written: readonly string[];
  /** Why nothing was written: each thing that exists already. */
  readonly refused: readonly string[];
  /** Whether the app lists prosper-runtime among its (production) dependencies. */
  readonly hasRuntime: boolean;
}

const exampleFile = "definitions/example.ts";

const example = `import { contextString, experiment, feature, sessionRandom } from "prosper/define";

/** A feature: the first bucket whose classifier matches gives the value, else the default. */
export const newCheckout = feature({
  name: "new-checkout",
  description: "The redesigned checkout: beta testers first, then one user in ten.",
  buckets: [
    { name: "beta", classifier: contextString("plan").eq("beta"), value: true },
    { name: "rollout", classifier: sessionRandom("new-checkout").lt(0.1), value: true },
  ],
  default: false,
});

/** An experiment: every variant gives the same symbols; the first variant is the control. */
export const greeting = experiment({
  name: "greeting",
  variants: {
    control: { greeting: "Hello!" },
    friendly: { greeting: "Hi there!" },
  },
});
`;

/**
 * Sets a project up for prosper: a config file, a definitions folder with one example, a
 * `compile` script in package.json, and the output folder in .prettierignore (the accessor module
 * is laid out by prosper, not by the project's prettier: see the README's decisions). It
 * overwrites nothing: when any of the first three exists, it writes nothing at all and says
 * which; a .prettierignore that exists gets the line added, unless it has it.
 */
export function init(root: string): InitResult {
  const packagePath = join(root, "package.json");
  const refused: string[] = [];
  let manifest: { scripts?: Record<string, string>; dependencies?: Record<string, string> } & Record<string, unknown> =
    {};
  let indent = "  ";
  if (!existsSync(packagePath)) refused.push("there is no package.json here (run `npm init` first)");
  else {
    const text = readFileSync(packagePath, "utf8");
    indent = /^[ \t]+(?=")/m.exec(text)?.[0] ?? "  ";
    try {
      manifest = JSON.parse(text) as typeof manifest;
    } catch {
      refused.push("package.json is not valid JSON");
    }
    if (manifest.scripts?.["compile"] !== undefined)
      refused.push(`package.json already has a "compile" script (${JSON.stringify(manifest.scripts["compile"])})`);
  }
  if (existsSync(join(root, configFileName))) refused.push(`${configFileName} exists`);
  if (existsSync(join(root, exampleFile))) refused.push(`${exampleFile} exists`);
  const hasRuntime = manifest.dependencies?.["prosper-runtime"] !== undefined;
  if (refused.length) return { written: [], refused, hasRuntime };

  // A named tsconfig must exist; without one, the compiler checks definitions as modern ESM TypeScript.
  const config: ProjectConfig = {
    definitions: "definitions",
    out: "generated",
    ...(existsSync(join(root, "tsconfig.json")) ? { project: "tsconfig.json" } : {}),
    format: "esm",
  };
  writeFileSync(join(root, configFileName), JSON.stringify(config, null, 2) + "\n");
  mkdirSync(join(root, "definitions"), { recursive: true });
  writeFileSync(join(root, exampleFile), example);
  manifest.scripts = { ...manifest.scripts, compile: "prosper compile" };
  writeFileSync(packagePath, JSON.stringify(manifest, null, indent) + "\n");
  const ignored = ignoreOutput(root, config.out ?? "generated");
  return {
    written: [configFileName, exampleFile, "package.json", ...(ignored ? [prettierIgnoreFile] : [])],
    refused: [],
    hasRuntime,
  };
}

const prettierIgnoreFile = ".prettierignore";

/** Adds `/${outDir}/` to the project's .prettierignore (made if missing); false when it is there already. */
function ignoreOutput(root: string, outDir: string): boolean {
  const path = join(root, prettierIgnoreFile);
  const line = `/${outDir}/`;
  const text = existsSync(path) ? readFileSync(path, "utf8") : "";
  if (text.split(/\r?\n/).some((existing) => [line, `${outDir}/`, outDir, `/${outDir}`].includes(existing.trim())))
    return false;
  const separator = text === "" || text.endsWith("\n") ? "" : "\n";
  writeFileSync(path, `${text}${separator}# Written by prosper compile, laid out by prosper.\n${line}\n`);
  return true;
}
