import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { esbuildBinary, repositoryRoot } from "./generated-module.js";
import {
  machine,
  ratio,
  table,
  writeResults,
  type Machine,
  type ReportedSuite,
  type SuiteOptions,
} from "./report-common.js";

/**
 * Size as an application ships it: each entry bundled by esbuild for the browser, minified, then
 * gzipped at the default level and at 9 (the larger counts). prosper's entries are built from the
 * runtime's sources, as its package build does; the peers from their installed packages. The
 * ceilings in `npm test` are test/size.test.ts's; this suite only reports, with ratios.
 */

export const SIZE_RESULTS_FILE = "test/bench/results/evaluation-size.json";

interface Entry {
  readonly name: string;
  readonly prosper: boolean;
  /** The module text bundled; a function when it depends on what an entry exports. */
  readonly source: string | ((exportsOf: (specifier: string) => readonly string[]) => string);
}

/** The experiments entry's engine and memory store, by whichever names it exports them (the engine is being renamed). */
const experimentsSet = (exportsOf: (specifier: string) => readonly string[]) => {
  const names = exportsOf("prosper-runtime/experiments").filter((name) =>
    ["createExperiments", "experimentsOf", "memoryStore"].includes(name),
  );
  return `export * from "prosper-runtime/features";\nexport { ${names.join(", ")} } from "prosper-runtime/experiments";`;
};

const ENTRIES: readonly Entry[] = [
  {
    name: "prosper-runtime/features (the whole entry)",
    prosper: true,
    source: `export * from "prosper-runtime/features";`,
  },
  { name: "prosper features + experiments engine + memoryStore", prosper: true, source: experimentsSet },
  { name: "prosper-runtime (the whole entry)", prosper: true, source: `export * from "prosper-runtime";` },
  {
    name: "@growthbook/growthbook: GrowthBookClient",
    prosper: false,
    source: `export { GrowthBookClient } from "@growthbook/growthbook";`,
  },
  {
    name: "@openfeature/flagd-core: FlagdCore",
    prosper: false,
    source: `export { FlagdCore } from "@openfeature/flagd-core";`,
  },
  {
    name: "@openfeature/server-sdk: OpenFeature",
    prosper: false,
    source: `export { OpenFeature } from "@openfeature/server-sdk";`,
  },
];

export interface SizeRow {
  readonly name: string;
  readonly source: string;
  readonly platform: string;
  readonly minified: number;
  readonly gzipDefault: number;
  readonly gzip9: number;
  /** The larger of the two gzip sizes, the one compared. */
  readonly gzip: number;
  readonly error?: string;
}

export interface SizeReport {
  readonly machine: Machine;
  readonly method: string;
  readonly rows: readonly SizeRow[];
  readonly error?: string;
}

function bundle(source: string, platform: string, directory: string, metafile?: string): Buffer {
  const outfile = join(directory, "out.js");
  execFileSync(
    esbuildBinary,
    [
      "--bundle",
      "--minify",
      "--format=esm",
      `--platform=${platform}`,
      "--target=es2022",
      // `module` listed again: naming any condition drops esbuild's default one, and the peers' ESM builds need it.
      "--conditions=prosper-source,module",
      "--log-level=error",
      `--outfile=${outfile}`,
      ...(metafile ? [`--metafile=${metafile}`] : []),
    ],
    { cwd: repositoryRoot, input: source, stdio: ["pipe", "ignore", "pipe"] },
  );
  return readFileSync(outfile);
}

export async function runSize(options: {
  readonly quick: boolean;
  readonly log: (line: string) => void;
}): Promise<SizeReport> {
  const directory = mkdtempSync(join(tmpdir(), "prosper-bench-size-"));
  const rows: SizeRow[] = [];
  try {
    const exportsOf = (specifier: string) => {
      const metafile = join(directory, "meta.json");
      bundle(`export * from "${specifier}";`, "browser", directory, metafile);
      const meta = JSON.parse(readFileSync(metafile, "utf8")) as { outputs: Record<string, { exports?: string[] }> };
      return Object.values(meta.outputs).flatMap((output) => output.exports ?? []);
    };
    for (const entry of ENTRIES) {
      let source = "";
      try {
        source = typeof entry.source === "string" ? entry.source : entry.source(exportsOf);
        // A package that will not bundle for the browser is measured for node, and says so.
        let platform = "browser";
        let code: Buffer;
        try {
          code = bundle(source, platform, directory);
        } catch {
          platform = "node";
          code = bundle(source, platform, directory);
        }
        const gzipDefault = gzipSync(code).length;
        const gzip9 = gzipSync(code, { level: 9 }).length;
        rows.push({
          name: entry.name,
          source,
          platform,
          minified: code.length,
          gzipDefault,
          gzip9,
          gzip: Math.max(gzipDefault, gzip9),
        });
      } catch (error) {
        const message = String((error as { stderr?: Buffer }).stderr ?? error).trim();
        rows.push({
          name: entry.name,
          source,
          platform: "",
          minified: 0,
          gzipDefault: 0,
          gzip9: 0,
          gzip: 0,
          error: message,
        });
      }
      options.log(`size: ${entry.name}: ${rows.at(-1)!.error ? "failed" : `${rows.at(-1)!.gzip} B gzip`}`);
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  const failed = rows.filter((row) => row.error);
  const report: SizeReport = {
    machine: machine(),
    method:
      "esbuild --bundle --minify --format=esm --platform=browser --target=es2022 (node when the browser build fails); gzip at the default level and at 9, the larger compared",
    rows,
    ...(failed.length ? { error: failed.map((row) => `${row.name}: ${row.error}`).join("\n") } : {}),
  };
  if (!options.quick && !failed.length) await writeResults(SIZE_RESULTS_FILE, report);
  return report;
}

export function sizeTable(report: SizeReport): string {
  const prosper = report.rows.filter((row) => row.name.startsWith("prosper") && !row.error);
  const header = [
    "entry",
    "platform",
    "minified B",
    "gzip B",
    "gzip -9 B",
    ...prosper.map((_, index) => `× (${index + 1})`),
  ];
  const rows = report.rows.map((row) =>
    row.error
      ? [row.name, "failed", "", "", "", ...prosper.map(() => "")]
      : [
          row.name,
          row.platform,
          row.minified.toLocaleString("en"),
          row.gzipDefault.toLocaleString("en"),
          row.gzip9.toLocaleString("en"),
          ...prosper.map((base) => ratio(row.gzip, base.gzip)),
        ],
  );
  const legend = prosper.map((row, index) => `(${index + 1}) ${row.name}`).join("; ");
  return `${table(header, rows)}\n× (n): the larger gzip size over prosper's ${legend}\n${report.method}`;
}

export const sizeSuite: ReportedSuite<SizeReport> = { file: SIZE_RESULTS_FILE, run: runSize, table: sizeTable };
