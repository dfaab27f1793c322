import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

/**
 * Generated modules for the benches, compiled at bench time by the repository's own compiler, so
 * that a bench measures whatever the compiler emits today (straight-line evaluators or the JSON
 * path) through the public API only: `createFeatures` and `createExperiments`.
 *
 * The CLI is built from the compiler's sources with the `compile` script's own esbuild command,
 * into a folder of the bench's (others may be rebuilding the shared one). The temporary project
 * links the repository's node_modules, so `prosper/define` and `prosper-runtime` resolve as in the
 * repository; the generated module is then bundled by esbuild with the `prosper-source` condition,
 * that is with the runtime from its TypeScript sources, like the bench itself.
 */

export const repositoryRoot = process.cwd();
export const esbuildBinary = join(repositoryRoot, "node_modules/.bin/esbuild");
const cliDirectory = join(repositoryRoot, "node_modules/.cache/prosper/bench-evaluation-cli");

/** How `prosper-runtime` is resolved in the modules the benches import; printed with the figures. */
export const RUNTIME_RESOLUTION =
  "generated module bundled by esbuild with the runtime from its TypeScript sources (condition prosper-source)";

let cliBuilt: string | undefined;

/** The CLI, built once per bench run from the `compile` script's esbuild command (the part before `&&`). */
export function buildCli(): string {
  if (cliBuilt) return cliBuilt;
  const scripts = (
    JSON.parse(readFileSync(join(repositoryRoot, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    }
  ).scripts;
  const command = scripts["compile"]?.split("&&")[0]?.trim().split(/\s+/) ?? [];
  if (command[0] !== "esbuild")
    throw new Error(`the compile script no longer starts with esbuild: ${scripts["compile"]}`);
  const args = command.slice(1).map((arg) => (arg.startsWith("--outdir=") ? `--outdir=${cliDirectory}` : arg));
  execFileSync(esbuildBinary, args, { cwd: repositoryRoot, stdio: ["ignore", "ignore", "inherit"] });
  cliBuilt = join(cliDirectory, "cli.js");
  if (!existsSync(cliBuilt)) throw new Error(`building the CLI did not write ${cliBuilt}`);
  return cliBuilt;
}

/** What the compiler emitted, for the record: what generated/index.js imports, and how its features are evaluated. */
export interface GeneratedShape {
  readonly imports: readonly string[];
  /** Features as generated evaluators on `prosper-runtime/features`, not documents the runtime interprets. */
  readonly generatedEvaluators: boolean;
  /** JSON feature documents (`kind: "feature"`) in the module, for the JSON path or as the features themselves. */
  readonly featureDocumentsInModule: boolean;
}

export function generatedShape(indexText: string): GeneratedShape {
  const imports = [...indexText.matchAll(/^import[^;]*?from\s+"([^"]+)"/gm)].map((match) => match[1]!);
  return {
    imports,
    generatedEvaluators: imports.includes("prosper-runtime/features"),
    featureDocumentsInModule: /"kind":\s*"feature"|kind:\s*"feature"/.test(indexText),
  };
}

export const describeShape = (shape: GeneratedShape): string =>
  `generated module imports ${shape.imports.join(", ")}; features ${
    shape.generatedEvaluators
      ? `as generated evaluators${shape.featureDocumentsInModule ? " (JSON documents also in the module)" : ""}`
      : "as JSON documents the runtime interprets"
  }`;

export interface CompiledProject {
  readonly directory: string;
  /** generated/index.js as the compiler wrote it. */
  readonly generatedIndex: string;
  /** The generated module and the runtime in one ESM file (not minified). */
  readonly bundle: string;
  remove(): void;
}

/**
 * Compiles `files` (paths under the project, e.g. `definitions/banner.ts`) with the CLI, then
 * bundles generated/index.js. Throws with the compiler's output when it fails.
 */
export function compileProject(files: Readonly<Record<string, string>>, label: string): CompiledProject {
  const cli = buildCli();
  const directory = mkdtempSync(join(tmpdir(), `prosper-bench-${label}-`));
  try {
    symlinkSync(join(repositoryRoot, "node_modules"), join(directory, "node_modules"), "dir");
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(directory, path)), { recursive: true });
      writeFileSync(join(directory, path), text);
    }
    try {
      execFileSync(process.execPath, [cli, "compile", "--definitions", "definitions", "--out", "generated"], {
        cwd: directory,
        encoding: "utf8",
        env: { ...process.env, NO_COLOR: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      });
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: string; stderr?: string };
      throw new Error(`prosper compile failed for the ${label} bench:\n${stdout ?? ""}${stderr ?? ""}`);
    }
    const generatedIndex = join(directory, "generated/index.js");
    const bundle = join(directory, "bundle.mjs");
    bundleModule(generatedIndex, bundle, directory);
    return {
      directory,
      generatedIndex,
      bundle,
      // PROSPER_BENCH_KEEP=1 keeps the project, to read what the compiler emitted.
      remove: () =>
        process.env["PROSPER_BENCH_KEEP"]
          ? console.error(`kept ${directory}`)
          : rmSync(directory, { recursive: true, force: true }),
    };
  } catch (error) {
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
}

/** One ESM file for node with the workspace packages from their sources, as the bench bundle is built. */
export function bundleModule(entry: string, outfile: string, cwd: string, extra: readonly string[] = []): void {
  execFileSync(
    esbuildBinary,
    [
      resolve(cwd, entry),
      "--bundle",
      "--platform=node",
      "--format=esm",
      "--conditions=prosper-source",
      "--log-level=warning",
      `--outfile=${outfile}`,
      ...extra,
    ],
    { cwd, stdio: ["ignore", "ignore", "inherit"] },
  );
}
