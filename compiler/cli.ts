#!/usr/bin/env node
import { createRequire } from "node:module";
import { Command, CommanderError, Option } from "commander";
import { compile, defaults, type CompileOptions, type CompileResult } from "./compile.js";
import { readConfig, UsageError } from "./config.js";
import { useCodeCache } from "./externals.js";
import { printDiagnostics } from "./diagnostics/print.js";
import { init } from "./init.js";
import { defaultReportFile, writeReport } from "./report.js";
import { moduleFormats, type ModuleFormat } from "./stages/emit/emit.js";
import { watch } from "./watch.js";

/**
 * The `prosper` command: a thin edge over init, compile, watch and report. It parses, prints, and turns
 * outcomes into exit codes: 0 ok, 1 diagnostics or stale output, 2 usage or internal error.
 */

const version = (createRequire(import.meta.url)("prosper/package.json") as { version: string }).version;

interface CompileFlags {
  check?: boolean;
  watch?: boolean;
  definitions?: string;
  out?: string;
  project?: string;
  format?: ModuleFormat;
  strict?: boolean;
  pyof?: string;
  config?: string;
  cache?: boolean;
}

const count = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

function summary(result: CompileResult, outDir: string, check: boolean, elapsed: number): string {
  const errors = result.diagnostics.filter((d) => d.severity === "error").length;
  const warnings = result.diagnostics.length - errors;
  const found = `${count(result.experiments, "experiment")} and ${count(result.features, "feature")} in ${count(result.definitionFiles.length, "file")}`;
  if (errors)
    return `prosper: ${count(errors, "error")}${warnings ? `, ${count(warnings, "warning")}` : ""}; ${outDir}/ was left as it was.\n`;
  const changed = result.changes.filter((change) => change.status !== "unchanged");
  const unchanged = result.changes.length - changed.length;
  const time = `${Math.round(elapsed)} ms`;
  if (check) {
    if (!changed.length) return `prosper: ${found}; ${outDir}/ is up to date (${time}).\n`;
    const stale = changed.map((c) => `  ${c.status === "removed" ? "extra" : "stale"}  ${c.path}\n`).join("");
    return `prosper: ${outDir}/ does not match the definitions; run \`prosper compile\`:\n${stale}`;
  }
  const lines = result.changes.map((c) => `  ${c.status.padEnd(9)} ${c.path}\n`).join("");
  return `prosper: ${found}; ${count(changed.length, "file")} changed, ${unchanged} unchanged (${time}).\n${lines}`;
}

function printResult(result: CompileResult): void {
  const color = Boolean(process.stderr.isTTY) && !process.env["NO_COLOR"];
  // What the definitions printed while they ran (console.log while debugging one, say).
  if (result.output) process.stderr.write(result.output.endsWith("\n") ? result.output : `${result.output}\n`);
  if (result.diagnostics.length)
    process.stderr.write(printDiagnostics(result.diagnostics, { color, sourceText: result.sourceText }) + "\n");
}

function compileOptions(flags: CompileFlags): CompileOptions & { outDir: string } {
  for (const key of ["definitions", "out", "project", "pyof", "config"] as const)
    if (flags[key] === "") throw new UsageError(`--${key} needs a path, not an empty string`);
  const root = process.cwd();
  const config = readConfig(root, flags.config);
  const project = flags.project ?? config.project;
  return {
    root,
    definitionsDir: flags.definitions ?? config.definitions ?? defaults.definitionsDir,
    outDir: flags.out ?? config.out ?? defaults.outDir,
    // Named on the command line or in the config, the tsconfig must exist; the default may not.
    ...(project === undefined ? {} : { tsconfig: project }),
    format: flags.format ?? config.format ?? defaults.format,
    check: flags.check ?? false,
    strict: flags.strict ?? config.strict ?? false,
    ...((flags.pyof ?? config.pyof) === undefined ? {} : { pyofDir: (flags.pyof ?? config.pyof)! }),
    cache: flags.cache ?? true,
  };
}

async function runCompile(flags: CompileFlags): Promise<number> {
  if (flags.check && flags.watch) throw new UsageError("--check and --watch do not go together");
  const options = compileOptions(flags);
  if (flags.watch) {
    process.stdout.write(`prosper: watching ${options.definitionsDir}/ (Ctrl-C to stop)\n`);
    const watching = watch(options, (result) => {
      printResult(result);
      const changed = result.changes.filter((change) => change.status !== "unchanged");
      const errors = result.diagnostics.filter((d) => d.severity === "error").length;
      const at = new Date().toTimeString().slice(0, 8);
      if (errors) process.stdout.write(`[${at}] ${count(errors, "error")}; ${options.outDir}/ was left as it was\n`);
      else if (!changed.length) process.stdout.write(`[${at}] no change\n`);
      else for (const change of changed) process.stdout.write(`[${at}] ${change.status} ${change.path}\n`);
    });
    // Ctrl-C, and the signals process managers and closed terminals send: the watch then closes
    // cleanly (its waiting process, its bundle folder) and the process ends normally.
    const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
    await new Promise<void>((resolve) => {
      const stop = () => {
        // The first one closes the watch; another, while it closes, ends the process as usual.
        for (const signal of signals) process.off(signal, stop);
        resolve();
      };
      for (const signal of signals) process.on(signal, stop);
    });
    await watching.close();
    return 0;
  }
  const started = performance.now();
  const result = await compile(options);
  printResult(result);
  process.stdout.write(summary(result, options.outDir, options.check ?? false, performance.now() - started));
  for (const { name, why } of result.pyofSkipped) process.stdout.write(`  not written as PyOF: ${name} (${why})\n`);
  return result.ok ? 0 : 1;
}

function runInit(): number {
  const result = init(process.cwd());
  if (result.refused.length) {
    process.stderr.write(`prosper init: wrote nothing, because\n${result.refused.map((why) => `  ${why}\n`).join("")}`);
    return 1;
  }
  process.stdout.write(
    `prosper init: wrote ${result.written.join(", ")}.\n` +
      // The generated module imports the runtime: production needs it as a dependency of its own.
      (result.hasRuntime ? "" : "The app needs the runtime in production: npm install prosper-runtime\n") +
      `Next: npm run compile, then import { createFeatures, createExperiments } from "./generated/index.js".\n`,
  );
  return 0;
}

interface ReportFlags {
  results?: string;
  bandits?: string;
  title?: string;
  out?: string;
}

function runReport(flags: ReportFlags): number {
  const written = writeReport({ root: process.cwd(), ...flags, out: flags.out ?? defaultReportFile });
  process.stdout.write(`prosper: wrote ${written}\n`);
  return 0;
}

async function main(argv: readonly string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command("prosper")
    .description("Experiments and offline feature flags as typed TypeScript definitions.")
    .version(version, "-v, --version", "print prosper's version")
    .helpOption("-h, --help", "show help")
    .addHelpText(
      "after",
      "\nExit codes: 0 ok; 1 diagnostics (or, with --check, stale output); 2 usage or internal error.",
    )
    .showHelpAfterError()
    .exitOverride();
  program
    .command("init")
    .description(
      "Set this project up: prosper.config.json, definitions/example.ts and a compile script. Overwrites nothing.",
    )
    .action(() => {
      exitCode = runInit();
    });
  program
    .command("compile")
    .description("Compile the definitions into JSON and a typed accessor module.")
    .option("--check", "write nothing; exit 1 if the output folder is not what compiling would write")
    .option("--watch", "compile again on every change, until stopped")
    .option("--definitions <dir>", `the definitions folder (default: ${defaults.definitionsDir})`)
    .option("--out <dir>", `the output folder (default: ${defaults.outDir})`)
    .option("--project <file>", `the tsconfig the definitions are checked with (default: ${defaults.tsconfig})`)
    .addOption(
      new Option("--format <format>", `what the accessor module is written as (default: ${defaults.format})`).choices(
        moduleFormats,
      ),
    )
    .option("--strict", "count warnings as errors: the compile fails on any")
    .option("--pyof <dir>", "also write PyOF's files there, for the features PyOF can say")
    .option("--config <file>", "the config file (default: prosper.config.json, when there is one)")
    .option("--no-cache", "compile in full even when no input changed since the last compile")
    .action(async (flags: CompileFlags) => {
      exitCode = await runCompile(flags);
    });
  program
    .command("report")
    .description("Write experiment results and bandit regret curves as one self-contained HTML page.")
    .option("--results <file>", "experiment results: a JSON object, or an array of them")
    .option("--bandits <file>", "the JSON the bandit benchmark writes; its regret curves are plotted")
    .option("--title <text>", "the page's title")
    .option("--out <file>", `the HTML file to write (default: ${defaultReportFile})`)
    .action((flags: ReportFlags) => {
      exitCode = runReport(flags);
    });
  if (argv.length === 0) {
    process.stderr.write(program.helpInformation());
    return 2;
  }
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    // Help and version were asked for; anything else commander rejects is a usage error.
    return error.code === "commander.helpDisplayed" || error.code === "commander.version" ? 0 : 2;
  }
  return exitCode;
}

// Each run of the command loads TypeScript anew: through V8's code cache, it compiles less.
useCodeCache();
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`prosper: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    // A user's mistake is a diagnostic; anything thrown is prosper's own bug.
    process.stderr.write(`prosper: internal error, please report it as a bug:\n${(error as Error)?.stack ?? error}\n`);
    process.exitCode = 2;
  },
);
