import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  compileProject,
  describeShape,
  generatedShape,
  RUNTIME_RESOLUTION,
  type GeneratedShape,
} from "./generated-module.js";
import {
  machine,
  median,
  ratio,
  table,
  writeResults,
  type Machine,
  type ReportedSuite,
  type SuiteOptions,
} from "./report-common.js";

/**
 * Cold start: a fresh `node` process imports a module for 500 features and evaluates one. Three
 * modules, measured alternately in the same run: prosper's generated module (compiled from 500
 * generated definitions, bundled with the runtime into one file), the same 500 features written
 * by hand as plain functions, and an empty module (the floor: what `import()` of any file costs).
 * The child reports `performance.now()` from just before `await import()` to after the first
 * evaluation (createFeatures included), and from process start (`performance.timeOrigin`).
 */

export const COLD_START_RESULTS_FILE = "test/bench/results/evaluation-cold-start.json";

const FEATURES = 500;
/** The feature evaluated: a hashed session random and the hostname regex, so murmur3 and the regex run. */
const EVALUATED = 252;
const CONTEXT = { unitId: "user-42", staff: false, country: "NL", platform: "ios", visits: 3, age: 40 };
const ENVIRONMENT = { hostname: "lenovo-7", sessionRandom: 0.5 };

/** Five shapes, varied by index: context booleans, strings and numbers, hashed randoms, the hostname. */
function definition(i: number): { prosper: string; hand: string } {
  const name = `feature-${i}`;
  const symbol = `feature${i}`;
  switch (i % 5) {
    case 0:
      return {
        prosper: `export const ${symbol} = feature({ name: "${name}", buckets: [{ name: "on", classifier: contextBoolean("flag${i % 13}").eq(true), value: true }], default: false });`,
        hand: `export function ${symbol}(c) { return c.flag${i % 13} === true; }`,
      };
    case 1:
      return {
        prosper: `export const ${symbol} = feature({ name: "${name}", buckets: [
  { name: "home", classifier: contextString("country").oneOf(["NL", "BE", "C${i}"]), value: ${i} },
  { name: "older", classifier: contextNumber("age").gte(${i % 90}), value: ${i + 1} },
], default: 0 });`,
        hand: `const countries${i} = new Set(["NL", "BE", "C${i}"]);
export function ${symbol}(c) {
  if (typeof c.country === "string" && countries${i}.has(c.country)) return ${i};
  if (typeof c.age === "number" && c.age >= ${i % 90}) return ${i + 1};
  return 0;
}`,
      };
    case 2:
      return {
        prosper: `export const ${symbol} = feature({ name: "${name}", buckets: [
  { name: "on", classifier: sessionRandom("salt-${i}").lt(0.${(i % 9) + 1}).and(hostname().matches("^len.+")), value: "on-${i}" },
], default: "off" });`,
        hand: `export function ${symbol}(c) {
  if (!hostnameIsLen) return "off";
  const random = c.unitId === undefined ? sessionRandom : murmur3("salt-${i}:" + c.unitId) / 4294967296;
  return random < 0.${(i % 9) + 1} ? "on-${i}" : "off";
}`,
      };
    case 3:
      return {
        prosper: `export const ${symbol} = feature({ name: "${name}", buckets: [
  { name: "apps", classifier: contextString("platform").oneOf(["ios", "android"]), value: true },
  { name: "regulars", classifier: contextNumber("visits").lt(${i % 7}), value: true },
], default: false });`,
        hand: `export function ${symbol}(c) {
  if (c.platform === "ios" || c.platform === "android") return true;
  return typeof c.visits === "number" && c.visits < ${i % 7};
}`,
      };
    default:
      return {
        prosper: `export const ${symbol} = feature({ name: "${name}", buckets: [
  { name: "staff", classifier: contextBoolean("staff").eq(true), value: { size: ${i}, label: "staff" } },
  { name: "rollout", classifier: sessionRandom().lt(0.5), value: { size: ${i}, label: "rollout" } },
], default: { size: 0, label: "none" } });`,
        hand: `const staff${i} = Object.freeze({ size: ${i}, label: "staff" });
const rollout${i} = Object.freeze({ size: ${i}, label: "rollout" });
const none${i} = Object.freeze({ size: 0, label: "none" });
export function ${symbol}(c) {
  if (c.staff === true) return staff${i};
  const random = c.unitId === undefined ? sessionRandom : murmur3("sessionRandom:" + c.unitId) / 4294967296;
  return random < 0.5 ? rollout${i} : none${i};
}`,
      };
  }
}

/** The hand-written module's header: process constants once, and a murmur3 of its own. */
const HAND_HEADER = `const hostnameIsLen = /^len.+/.test(${JSON.stringify(ENVIRONMENT.hostname)});
const sessionRandom = ${ENVIRONMENT.sessionRandom};
const encoder = new TextEncoder();
let bytes = new Uint8Array(256);
function murmur3(text) {
  if (bytes.length < text.length * 3) bytes = new Uint8Array(text.length * 3);
  const length = encoder.encodeInto(text, bytes).written;
  const blocks = length & ~3;
  let h = 0;
  for (let i = 0; i < blocks; i += 4) {
    let k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    k = Math.imul(k, 0xcc9e2d51);
    h ^= Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
  }
  let k = 0;
  switch (length & 3) {
    case 3: k ^= bytes[blocks + 2] << 16;
    case 2: k ^= bytes[blocks + 1] << 8;
    case 1: k ^= bytes[blocks]; k = Math.imul(k, 0xcc9e2d51); h ^= Math.imul((k << 15) | (k >>> 17), 0x1b873593);
  }
  h ^= length;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
`;

/** What each child runs: its module, then one evaluation, timed by the child itself. */
const CHILD = `const [file, kind, name, symbol, contextText, environmentText] = process.argv.slice(2);
const context = JSON.parse(contextText);
const environment = JSON.parse(environmentText);
const started = performance.now();
const module = await import(file);
const imported = performance.now();
let value = null;
if (kind === "prosper") value = module.createFeatures(environment).get(name, context);
else if (kind === "hand-written") value = module[symbol](context);
const done = performance.now();
process.stdout.write(JSON.stringify({ fromImportMs: done - started, importMs: imported - started, fromProcessStartMs: done, value }));
`;

type Kind = "empty" | "hand-written" | "prosper";
const KINDS: readonly Kind[] = ["empty", "hand-written", "prosper"];

export interface ColdStartReport {
  readonly machine: Machine;
  readonly features: number;
  readonly processes: number;
  readonly method: string;
  readonly runtime: string;
  readonly generatedModule?: GeneratedShape;
  readonly moduleBytes: Readonly<Record<Kind, number>>;
  /** Median ms from just before `import()` to after the first evaluation, and from process start. */
  readonly fromImportMs: Readonly<Record<Kind, number>>;
  /** Median ms of `await import()` alone: the rest of fromImportMs is createFeatures and the evaluation. */
  readonly importMs: Readonly<Record<Kind, number>>;
  readonly fromProcessStartMs: Readonly<Record<Kind, number>>;
  readonly runs: Readonly<
    Record<Kind, readonly { fromImportMs: number; importMs: number; fromProcessStartMs: number }[]>
  >;
  readonly goal: string;
  readonly met: boolean;
  readonly error?: string;
}

export async function runColdStart(options: SuiteOptions): Promise<ColdStartReport> {
  const processes = options.quick ? 3 : 11;
  const base = {
    machine: machine(),
    features: FEATURES,
    processes,
    method: `a fresh node process per measurement (${processes} per module, alternating empty, hand-written, prosper); the child times import() + createFeatures + one evaluation of feature-${EVALUATED} with performance.now(), and reports performance.now() at the end as the time from process start`,
    runtime: `${RUNTIME_RESOLUTION}, one file`,
    goal: "prosper ≤ 10 ms from import to first evaluation",
  };
  const definitions = Array.from({ length: FEATURES }, (_, i) => definition(i));
  const files: Record<string, string> = {};
  const header = `import { contextBoolean, contextNumber, contextString, feature, hostname, sessionRandom } from "prosper/define";\n\n`;
  for (let file = 0; file < FEATURES / 10; file++)
    files[`definitions/features-${file}.ts`] =
      header +
      definitions
        .slice(file * 10, file * 10 + 10)
        .map((d) => d.prosper)
        .join("\n\n") +
      "\n";
  options.log(`cold-start: compiling ${FEATURES} feature definitions`);
  let project;
  try {
    project = compileProject(files, "cold-start");
  } catch (error) {
    return failed(base, error);
  }
  try {
    const modules: Record<Kind, string> = {
      empty: join(project.directory, "empty.mjs"),
      "hand-written": join(project.directory, "hand-written.mjs"),
      prosper: project.bundle,
    };
    writeFileSync(modules.empty, "export {};\n");
    writeFileSync(modules["hand-written"], HAND_HEADER + definitions.map((d) => d.hand).join("\n") + "\n");
    const child = join(project.directory, "child.mjs");
    writeFileSync(child, CHILD);
    const moduleBytes = Object.fromEntries(KINDS.map((kind) => [kind, readFileSync(modules[kind]).length])) as Record<
      Kind,
      number
    >;

    const runs: Record<Kind, { fromImportMs: number; importMs: number; fromProcessStartMs: number }[]> = {
      empty: [],
      "hand-written": [],
      prosper: [],
    };
    const values: Partial<Record<Kind, unknown>> = {};
    for (let round = 0; round < processes; round++)
      for (const kind of KINDS) {
        const output = execFileSync(
          process.execPath,
          [
            child,
            modules[kind],
            kind,
            `feature-${EVALUATED}`,
            `feature${EVALUATED}`,
            JSON.stringify(CONTEXT),
            JSON.stringify(ENVIRONMENT),
          ],
          { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
        );
        const { value, ...times } = JSON.parse(output) as {
          fromImportMs: number;
          importMs: number;
          fromProcessStartMs: number;
          value: unknown;
        };
        runs[kind].push(times);
        values[kind] = value;
      }
    const fromImportMs = Object.fromEntries(
      KINDS.map((kind) => [kind, median(runs[kind].map((run) => run.fromImportMs))]),
    ) as Record<Kind, number>;
    const importMs = Object.fromEntries(
      KINDS.map((kind) => [kind, median(runs[kind].map((run) => run.importMs))]),
    ) as Record<Kind, number>;
    const fromProcessStartMs = Object.fromEntries(
      KINDS.map((kind) => [kind, median(runs[kind].map((run) => run.fromProcessStartMs))]),
    ) as Record<Kind, number>;
    const report: ColdStartReport = {
      ...base,
      generatedModule: generatedShape(readFileSync(project.generatedIndex, "utf8")),
      moduleBytes,
      fromImportMs,
      importMs,
      fromProcessStartMs,
      runs,
      met: fromImportMs.prosper <= 10,
      // The two modules must have done the same work: the same answer for the evaluated feature.
      ...(JSON.stringify(values.prosper) === JSON.stringify(values["hand-written"])
        ? {}
        : {
            error: `feature-${EVALUATED}: prosper ${JSON.stringify(values.prosper)}, hand-written ${JSON.stringify(values["hand-written"])}`,
          }),
    };
    options.log(
      `cold-start: prosper ${fromImportMs.prosper.toFixed(2)} ms, hand-written ${fromImportMs["hand-written"].toFixed(2)} ms, empty ${fromImportMs.empty.toFixed(2)} ms`,
    );
    if (!options.quick && !report.error) await writeResults(COLD_START_RESULTS_FILE, report);
    return report;
  } catch (error) {
    return failed(base, error);
  } finally {
    project.remove();
  }
}

function failed(
  base: Omit<ColdStartReport, "moduleBytes" | "fromImportMs" | "importMs" | "fromProcessStartMs" | "runs" | "met">,
  error: unknown,
): ColdStartReport {
  const zero = { empty: 0, "hand-written": 0, prosper: 0 };
  return {
    ...base,
    moduleBytes: zero,
    fromImportMs: zero,
    importMs: zero,
    fromProcessStartMs: zero,
    runs: { empty: [], "hand-written": [], prosper: [] },
    met: false,
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  };
}

export function coldStartTable(report: ColdStartReport): string {
  if (!report.runs.prosper.length) return `cold-start: no figures (${report.error?.split("\n")[0] ?? "no runs"})`;
  const rows = KINDS.map((kind) => [
    kind === "prosper"
      ? `prosper (generated, ${report.features} features)`
      : kind === "hand-written"
        ? `hand-written (${report.features} functions)`
        : "empty module",
    report.moduleBytes[kind].toLocaleString("en"),
    report.fromImportMs[kind].toFixed(2),
    ratio(report.fromImportMs[kind], report.fromImportMs["hand-written"]),
    report.importMs[kind].toFixed(2),
    report.fromProcessStartMs[kind].toFixed(2),
  ]);
  return `${table(["module (median of fresh processes)", "bytes", "import → first evaluation ms", "×hand", "of which import() ms", "process start → first evaluation ms"], rows)}
${report.met ? "met" : "NOT MET"}: ${report.goal}
${report.method}; ${report.runtime}${report.generatedModule ? `; ${describeShape(report.generatedModule)}` : ""}`;
}

export const coldStartSuite: ReportedSuite<ColdStartReport> = {
  file: COLD_START_RESULTS_FILE,
  run: runColdStart,
  table: coldStartTable,
};
