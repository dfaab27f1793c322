import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

export const root = fileURLToPath(new URL("../..", import.meta.url));

/**
 * Type-checks `files` with the project's compiler options and returns the messages. `virtual`
 * files (absolute path to text) exist only in memory, so a test can check code it writes;
 * `overrides` change compiler options.
 */
export function typeCheck(
  files: readonly string[],
  virtual: Record<string, string> = {},
  overrides: ts.CompilerOptions = {},
): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(root, "tsconfig.json"),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
  )!;
  const options = { ...config.options, ...overrides };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (file) => virtual[file] ?? readFile(file);
  host.fileExists = (file) => file in virtual || fileExists(file);
  const program = ts.createProgram([...files, ...Object.keys(virtual)], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}
