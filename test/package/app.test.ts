import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { Module } from "node:module";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { run, runOk, show, type Ran } from "./run.js";

/**
 * prosper as a user meets it: both packages built and packed as npm would publish them, installed
 * from the tarballs into a fresh app (the runtime as a dependency, the compiler as a dev
 * dependency), `prosper init`, `npm run compile`, and the app run by plain node, as ESM and as
 * CommonJS, and type-checked under the module settings users have.
 */
const root = fileURLToPath(new URL("../..", import.meta.url));

interface Packed {
  readonly name: string;
  readonly filename: string;
  readonly size: number;
  readonly unpackedSize: number;
  readonly entryCount: number;
}

let work: string; // everything this file writes: the tarballs and the app
let app: string;
let tarballs: { runtime: Packed & { path: string }; compiler: Packed & { path: string } };
let compilerVersion: string;
const timings: string[] = [];

async function step<T>(name: string, action: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await action();
  timings.push(`${name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

const npm = (args: readonly string[], cwd = app) => runOk("npm", args, cwd, 180_000);
const prosper = (...args: string[]) => run("npx", ["--no-install", "prosper", ...args], app);

beforeAll(async () => {
  compilerVersion = (JSON.parse(await readFile(join(root, "compiler/package.json"), "utf8")) as { version: string })
    .version;
  work = await mkdtemp(join(tmpdir(), "prosper-package-"));
  const packs = join(work, "tarballs");
  app = join(work, "app");
  await mkdir(packs);
  await mkdir(app);

  await step("npm run build", () => npm(["run", "build"], root));
  const packed = await step("npm pack", () =>
    npm(["pack", "--workspace=runtime", "--workspace=compiler", "--pack-destination", packs, "--json"], root),
  );
  const list = JSON.parse(packed.stdout) as Packed[];
  const find = async (name: string) => {
    const found = list.find((p) => p.name === name);
    if (!found) throw new Error(`npm pack did not pack ${name}:${show(packed)}`);
    const path = join(packs, found.filename);
    await stat(path); // it is where npm said
    return { ...found, path };
  };
  tarballs = { runtime: await find("prosper-runtime"), compiler: await find("prosper") };
  expect((await readdir(packs)).sort()).toEqual([tarballs.compiler.filename, tarballs.runtime.filename].sort());

  await npm(["init", "-y"]);
  await npm(["pkg", "set", "type=module"]);
  const install = ["install", "--no-audit", "--no-fund", "--loglevel=error"];
  await step("npm install runtime", () => npm([...install, tarballs.runtime.path]));
  await step("npm install -D compiler", () => npm([...install, "-D", tarballs.compiler.path]));
  await step("prosper init", () => runOk("npx", ["--no-install", "prosper", "init"], app));
  await step("npm run compile", () => npm(["run", "compile"]));
}, 240_000);

afterAll(async () => {
  if (tarballs)
    for (const { filename, size, unpackedSize, entryCount } of [tarballs.runtime, tarballs.compiler])
      timings.push(`${filename}: ${size} B packed, ${unpackedSize} B unpacked, ${entryCount} files`);
  console.log(`test/package (${work}):\n  ${timings.join("\n  ")}`);
  if (work) await rm(work, { recursive: true, force: true });
});

describe("the prosper command, installed", () => {
  test("--version prints the compiler package's version", async () => {
    const ran = await prosper("--version");
    expect(ran.code, show(ran)).toBe(0);
    expect(ran.stdout.trim(), show(ran)).toBe(compilerVersion);
  });

  test("--help lists the commands and the exit codes", async () => {
    const ran = await prosper("--help");
    expect(ran.code, show(ran)).toBe(0);
    expect(ran.stdout, show(ran)).toMatch(/^\s+init\b/m);
    expect(ran.stdout, show(ran)).toMatch(/^\s+compile\b/m);
    expect(ran.stdout, show(ran)).toMatch(/Exit codes: 0 ok; 1 .+; 2 .+/);
  });

  test("an unknown command is a usage error, exit 2", async () => {
    const ran = await prosper("frobnicate");
    expect(ran.code, show(ran)).toBe(2);
    expect(ran.stderr, show(ran)).toContain("frobnicate");
  });

  test("init a second time writes nothing and exits 1", async () => {
    const files = ["package.json", "prosper.config.json", "definitions/example.ts"];
    const read = () => Promise.all(files.map(async (f) => [f, await readFile(join(app, f), "utf8")] as const));
    const before = await read();
    const ran = await prosper("init");
    expect(ran.code, show(ran)).toBe(1);
    expect(ran.stderr, show(ran)).toContain("wrote nothing");
    expect(await read()).toEqual(before);
  });
});

// Node 22.8 and later keep their own compile cache, which the CLI turns on instead of its own.
const nodeCachesItself = typeof (Module as { enableCompileCache?: unknown }).enableCompileCache === "function";

describe.skipIf(nodeCachesItself)("the code cache for TypeScript, installed", () => {
  test("is kept beside the installed ts-morph, used by the next compile, and costs nothing when damaged", async () => {
    const folder = join(app, "node_modules/.cache/prosper/code-cache");
    const entries = async () => (await readdir(folder)).filter((entry) => entry.endsWith(".bin"));
    // The compile in beforeAll wrote it.
    const [entry] = await entries();
    expect(entry).toBeDefined();
    const written = await stat(join(folder, entry!));
    expect(written.size).toBeGreaterThan(1_000_000);
    const again = await prosper("compile", "--no-cache");
    expect(again.code, show(again)).toBe(0);
    // Used, so not written again.
    expect(await entries()).toEqual([entry]);
    expect((await stat(join(folder, entry!))).mtimeMs).toBe(written.mtimeMs);
    await writeFile(join(folder, entry!), "not V8's code");
    const damaged = await prosper("compile", "--no-cache");
    expect(damaged.code, show(damaged)).toBe(0);
    const withoutTime = (text: string) => text.replace(/\(\d+ ms\)/, "");
    expect(withoutTime(damaged.stdout), show(damaged)).toBe(withoutTime(again.stdout));
    // Written again, whole.
    expect(await entries()).toEqual([entry]);
    expect((await stat(join(folder, entry!))).size).toBeGreaterThan(1_000_000);
  });
});

/** What app.mjs and app.cjs print: the same program, as ESM and as CommonJS. */
const appBody = `
async function main() {
  const features = createFeatures();
  const experiments = createExperiments();
  const beta = features.evaluate("new-checkout", { plan: "beta" });
  const other = features.evaluate("new-checkout", { plan: "free", unitId: "user-123" });
  const disabled = await experiments.pick("user-123", "greeting");
  await experiments.enable("greeting");
  const user = await experiments.forUnit("user-123");
  return { beta, other, disabled, greeting: user.pick("greeting"), assignment: user.assignment("greeting") };
}
main().then((result) => console.log(JSON.stringify(result)));
`;

interface AppOutput {
  beta: unknown;
  other: unknown;
  disabled: string;
  greeting: string;
  assignment: { experiment: string; variant: string; reason: string };
}

async function runApp(file: string, source: string): Promise<AppOutput> {
  await writeFile(join(app, file), source);
  const ran = await run("node", [file], app);
  expect(ran.code, show(ran)).toBe(0);
  expect(ran.stderr, show(ran)).toBe("");
  return JSON.parse(ran.stdout) as AppOutput;
}

function expectAppOutput(output: AppOutput) {
  expect(output.beta).toEqual({ value: true, bucket: "beta", reason: "TARGETING_MATCH" });
  expect(output.disabled).toBe("Hello!"); // the control, while the experiment is off
  const greetings: Record<string, string> = { control: "Hello!", friendly: "Hi there!" };
  expect(output.assignment).toMatchObject({ experiment: "greeting", reason: "SPLIT" });
  expect(Object.keys(greetings)).toContain(output.assignment.variant);
  expect(output.greeting).toBe(greetings[output.assignment.variant]);
}

describe("the app runs with plain node", () => {
  let esm: AppOutput;

  test("as ESM, importing generated/index.js", async () => {
    esm = await runApp(
      "app.mjs",
      `import { createExperiments, createFeatures } from "./generated/index.js";\n${appBody}`,
    );
    expectAppOutput(esm);
  });

  test("as CommonJS, requiring generated-cjs/index.cjs (compiled with --format cjs)", async () => {
    const compiled = await prosper("compile", "--format", "cjs", "--out", "generated-cjs");
    expect(compiled.code, show(compiled)).toBe(0);
    expect(compiled.stdout, show(compiled)).toContain("generated-cjs/index.cjs");
    expect(compiled.stdout, show(compiled)).toContain("generated-cjs/index.d.cts");
    const cjs = await runApp(
      "app.cjs",
      `const { createExperiments, createFeatures } = require("./generated-cjs/index.cjs");\n${appBody}`,
    );
    expectAppOutput(cjs);
    // Features are deterministic, given the unitId; the greeting's variant may be drawn at random.
    expect(cjs.beta).toEqual(esm.beta);
    expect(cjs.other).toEqual(esm.other);
  });
});

describe("a browser bundle of the app", () => {
  test("takes the runtime's browser build, with no node built-ins", async () => {
    const { build } = await import("esbuild");
    const result = await build({
      stdin: {
        contents: `export { createFeatures, createExperiments } from "./generated/index.js";`,
        resolveDir: app,
        loader: "js",
      },
      absWorkingDir: app,
      bundle: true,
      format: "esm",
      platform: "browser",
      metafile: true,
      write: false,
    });
    const inputs = Object.keys(result.metafile.inputs);
    // The generated module imports the two small entries, not the full one with the document reader.
    expect(inputs).toContain("node_modules/prosper-runtime/dist/esm/features.browser.js");
    expect(inputs).toContain("node_modules/prosper-runtime/dist/esm/experiments.browser.js");
    expect(inputs).not.toContain("node_modules/prosper-runtime/dist/esm/index.browser.js");
    expect(inputs.filter((input) => input.startsWith("node:"))).toEqual([]);
    expect(result.outputFiles[0]!.text).not.toContain("getBuiltinModule");
  });
});

describe("what is installed and shipped", () => {
  test("a production install is the app and prosper-runtime, nothing else", async () => {
    const ran = await npm(["ls", "--omit=dev", "--all", "--parseable"]);
    const packages = ran.stdout
      .split("\n")
      .filter(Boolean)
      .map((line) => relative(app, line));
    expect(packages, show(ran)).toEqual(["", join("node_modules", "prosper-runtime")]);
    timings.push(`production install: ${packages.length - 1} package(s) besides the app`);
  });

  const allowed = (entry: string) => entry === "package.json" || /^(README|LICEN[CS]E)(\.\w+)?$/i.test(entry);
  const isSource = (entry: string) => /\.[cm]?tsx?$/.test(entry) && !/\.d\.[cm]?ts$/.test(entry);

  for (const which of ["runtime", "compiler"] as const) {
    test(`the ${which} tarball holds package.json and dist/ only`, async () => {
      const ran = await runOk("tar", ["-tzf", tarballs[which].path], work);
      const entries = ran.stdout
        .split("\n")
        .filter(Boolean)
        .map((line) => line.replace(/^package\//, ""));
      expect(entries, show(ran)).toContain("package.json");
      expect(entries.filter((e) => !e.startsWith("dist/") && !allowed(e))).toEqual([]);
      expect(entries.filter((e) => /(^|\/)(test|definitions)\//.test(e) || isSource(e))).toEqual([]);

      // Every file the manifest points at is in it (but for the repository's own source condition).
      const manifest = JSON.parse(
        await readFile(join(app, "node_modules", tarballs[which].name, "package.json"), "utf8"),
      );
      const targets: string[] = [];
      const collect = (value: unknown): void => {
        if (typeof value === "string") targets.push(value.replace(/^\.\//, ""));
        else if (value && typeof value === "object")
          for (const [key, inner] of Object.entries(value)) if (key !== "prosper-source") collect(inner);
      };
      collect(manifest.exports);
      collect(manifest.bin);
      expect(targets.length).toBeGreaterThan(0);
      expect(targets.filter((target) => !entries.includes(target))).toEqual([]);
    });
  }
});

/**
 * The typed pickers from an app's point of view, under each module setting users have: the ESM
 * output imported from an ES module, or the CommonJS output required from a CommonJS one.
 */
const typedApp = `
const features = createFeatures();
const experiments = createExperiments();

export const checkout: boolean = features.get("new-checkout", { plan: "beta", unitId: "user-123" });
export const noPlan: boolean = features.get("new-checkout", { plan: undefined });
export const noContext: boolean = features.get("new-checkout");
const evaluation = features.evaluate("new-checkout", { plan: "beta" });
export const bucket: string = evaluation.bucket;
export const reason: "TARGETING_MATCH" | "SPLIT" | "DEFAULT" | "DISABLED" | "ERROR" = evaluation.reason;
export const names: [FeatureName, ExperimentName] = ["new-checkout", "greeting"];

// @ts-expect-error: there is no such feature
features.get("old-checkout");
// @ts-expect-error: plan is a string
features.get("new-checkout", { plan: 1 });
// @ts-expect-error: the feature's value is a boolean
export const notAString: string = features.get("new-checkout");

export async function greet(unitId: string): Promise<SymbolValue<"greeting">> {
  await experiments.enable("greeting");
  const user = await experiments.forUnit(unitId);
  const greeting: "Hello!" | "Hi there!" = user.pick("greeting");
  const variant: "control" | "friendly" = user.assignment("greeting").variant;
  // @ts-expect-error: no experiment has this symbol
  user.pick("farewell");
  // @ts-expect-error: there is no such experiment
  await experiments.enable("farewell");
  return variant === "control" ? greeting : greeting;
}
`;

const esmHeader = `import {
  createExperiments,
  createFeatures,
  type ExperimentName,
  type FeatureName,
  type SymbolValue,
} from "../generated/index.js";
`;

const cjsHeader = `import generated = require("../generated-cjs/index.cjs");
const { createExperiments, createFeatures } = generated;
type ExperimentName = generated.ExperimentName;
type FeatureName = generated.FeatureName;
type SymbolValue<S extends generated.SymbolName> = generated.SymbolValue<S>;
`;

const settings = [
  { module: "node16", moduleResolution: "node16", flavour: "esm" },
  { module: "nodenext", moduleResolution: "nodenext", flavour: "esm" },
  { module: "esnext", moduleResolution: "bundler", flavour: "esm" },
  { module: "commonjs", moduleResolution: "node10", flavour: "cjs" },
] as const;
const combinations = ["ES2020", "ESNext"].flatMap((target) => settings.map((setting) => ({ target, ...setting })));

describe("the typed pickers type-check in the app", () => {
  let typescriptVersion: string;

  beforeAll(async () => {
    // The ESM check sits under the app's "type": "module"; the CommonJS one under "type": "commonjs".
    await mkdir(join(app, "typecheck-esm"), { recursive: true });
    await writeFile(join(app, "typecheck-esm", "app.ts"), esmHeader + typedApp);
    await mkdir(join(app, "typecheck-cjs"), { recursive: true });
    await writeFile(join(app, "typecheck-cjs", "package.json"), JSON.stringify({ type: "commonjs" }) + "\n");
    await writeFile(join(app, "typecheck-cjs", "app.ts"), cjsHeader + typedApp);
    const manifest = await readFile(join(app, "node_modules", "typescript", "package.json"), "utf8");
    typescriptVersion = (JSON.parse(manifest) as { version: string }).version;
    // The CommonJS check needs generated-cjs/: the CommonJS run test compiles it, unless it was skipped.
    if (!(await stat(join(app, "generated-cjs", "index.d.cts")).catch(() => undefined))) {
      const compiled = await prosper("compile", "--format", "cjs", "--out", "generated-cjs");
      expect(compiled.code, show(compiled)).toBe(0);
    }
  }, 60_000);

  test.concurrent.for(combinations)(
    "target $target, module $module, moduleResolution $moduleResolution",
    async ({ target, module, moduleResolution, flavour }, { expect }) => {
      const folder = `typecheck-${flavour}`;
      const name = `tsconfig.${target}.${module}.json`.toLowerCase();
      const compilerOptions = {
        target,
        module,
        moduleResolution,
        strict: true,
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        skipLibCheck: false,
        noEmit: true,
        types: [],
        // TypeScript 6 reports node10 itself as deprecated (TS5107), a matter of the setting, not of prosper.
        ...(moduleResolution === "node10" && typescriptVersion.startsWith("6.") ? { ignoreDeprecations: "6.0" } : {}),
      };
      await writeFile(join(app, folder, name), JSON.stringify({ compilerOptions, files: ["app.ts"] }, null, 2) + "\n");
      const ran: Ran = await run(
        "node",
        ["node_modules/typescript/lib/tsc.js", "-p", `${folder}/${name}`, "--pretty", "false"],
        app,
      );
      // One assertion, so that a failure prints the diagnostics once, not again as a diff.
      expect(ran.code === 0 && ran.stdout + ran.stderr === "", `diagnostics:${show(ran)}`).toBe(true);
    },
  );
});
