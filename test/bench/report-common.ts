import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, platform, release } from "node:os";
import { dirname } from "node:path";

/** What the evaluation, size and cold-start suites share: the machine, the results file, the tables. */

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly os: string;
  readonly node: string;
  readonly date: string;
}

export function machine(): Machine {
  return {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: availableParallelism(),
    os: `${platform()} ${release()}`,
    node: process.version,
    date: new Date().toISOString(),
  };
}

/** Writes `report` as JSON formatted the way `npm run format:check` wants it (results files are committed). */
export async function writeResults(file: string, report: unknown): Promise<void> {
  const prettier = await import("prettier");
  const config = await prettier.resolveConfig(file);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, await prettier.format(JSON.stringify(report), { ...config, filepath: file }));
}

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** A plain-text table, columns padded to their widest cell; the first column left-aligned, the others right. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join("  ");
  return [line(header), widths.map((width) => "-".repeat(width)).join("  "), ...rows.map(line)].join("\n");
}

export const ratio = (value: number, baseline: number): string => `${(value / baseline).toFixed(2)}×`;

export interface SuiteOptions {
  /** A smoke run: fewer users or processes, and no results file written. */
  readonly quick: boolean;
  /** Progress lines (stderr in --json mode). */
  readonly log: (line: string) => void;
}

/** A suite that reports a failure as its report's `error` (the others still run) and writes its own results file. */
export interface ReportedSuite<R extends { readonly error?: string }> {
  readonly file: string;
  run(options: SuiteOptions): Promise<R>;
  table(report: R): string;
}

/** Runs `suite`; its report, and its table as the runner prints it. */
export async function runReported<R extends { readonly error?: string }>(
  suite: ReportedSuite<R>,
  options: SuiteOptions,
): Promise<{ report: R; text: string }> {
  const report = await suite.run(options);
  const written = options.quick
    ? "quick run: results not written"
    : report.error
      ? "not written"
      : `written to ${suite.file}`;
  return { report, text: `${suite.table(report)}\n${written}` };
}
