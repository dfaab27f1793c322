import { parseArgs } from "node:util";
import { compile, defaults, type CompileResult } from "./compile.js";
import { printDiagnostics } from "./diagnostics/print.js";

const usage = `Usage: prosper compile [options]

Compiles the experiment and feature definitions into JSON and a typed accessor module.

Options:
  --check              Write nothing; exit 1 if the output folder is not what compiling would write.
  --definitions <dir>  Definition files (default: ${defaults.definitionsDir})
  --out <dir>          Output folder (default: ${defaults.outDir})
  --project <file>     tsconfig the definitions are checked with (default: ${defaults.tsconfig})
  --help               Show this help.
`;

async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      check: { type: "boolean", default: false },
      definitions: { type: "string", default: defaults.definitionsDir },
      out: { type: "string", default: defaults.outDir },
      project: { type: "string", default: defaults.tsconfig },
      help: { type: "boolean", default: false },
    },
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  const started = performance.now();
  const result = await compile({
    root: process.cwd(),
    definitionsDir: values.definitions,
    outDir: values.out,
    tsconfig: values.project,
    check: values.check,
  });
  const color = Boolean(process.stderr.isTTY) && !process.env["NO_COLOR"];
  // What the definitions printed while they ran (console.log while debugging one, say).
  if (result.output) process.stderr.write(result.output.endsWith("\n") ? result.output : `${result.output}\n`);
  if (result.diagnostics.length) {
    process.stderr.write(printDiagnostics(result.diagnostics, { color, sourceText: result.sourceText }) + "\n");
  }
  process.stdout.write(summary(result, values.out, values.check, performance.now() - started));
  return result.ok ? 0 : 1;
}

function summary(result: CompileResult, outDir: string, check: boolean, elapsed: number): string {
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const errors = result.diagnostics.filter((d) => d.severity === "error").length;
  const warnings = result.diagnostics.length - errors;
  const found = `${count(result.experiments, "experiment")} and ${count(result.features, "feature")} in ${count(result.definitionFiles.length, "file")}`;
  if (errors) {
    return `prosper: ${count(errors, "error")}${warnings ? `, ${count(warnings, "warning")}` : ""}; ${outDir}/ was left as it was.\n`;
  }
  const changed = result.changes.filter((change) => change.status !== "unchanged");
  const unchanged = result.changes.length - changed.length;
  const time = `${Math.round(elapsed)} ms`;
  if (check) {
    if (!changed.length) return `prosper: ${found}; ${outDir}/ is up to date (${time}).\n`;
    const stale = changed.map((c) => `  ${c.status === "removed" ? "extra" : "stale"}  ${c.path}\n`).join("");
    return `prosper: ${outDir}/ does not match the definitions; run \`npm run compile\`:\n${stale}`;
  }
  const lines = result.changes.map((c) => `  ${c.status.padEnd(9)} ${c.path}\n`).join("");
  return `prosper: ${found}; ${count(changed.length, "file")} changed, ${unchanged} unchanged (${time}).\n${lines}`;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // A user's mistake is a diagnostic; anything thrown is prosper's own bug.
    if (error instanceof TypeError && (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      process.stderr.write(`prosper: ${error.message}\n\n${usage}`);
      process.exitCode = 1;
      return;
    }
    process.stderr.write(`prosper: internal error, please report it as a bug:\n${(error as Error)?.stack ?? error}\n`);
    process.exitCode = 2;
  },
);
