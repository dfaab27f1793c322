import { execFile } from "node:child_process";

/** What a command did: enough to print when an assertion about it fails. */
export interface Ran {
  readonly command: string;
  readonly cwd: string;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/**
 * The environment for commands run as a user would: without what `npm`/`npx` told this test
 * process about the repository (its package, its prefix, the script running), which would
 * otherwise make an `npm` started in the app folder act on the repository instead.
 */
export function userEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  for (const key of Object.keys(env)) {
    if (
      key === "INIT_CWD" ||
      key === "npm_command" ||
      key === "npm_config_local_prefix" ||
      key.startsWith("npm_package_") ||
      key.startsWith("npm_lifecycle_")
    )
      delete env[key];
  }
  return env;
}

/** Runs `file args` in `cwd` and resolves with its outcome, whatever the exit code. */
export function run(file: string, args: readonly string[], cwd: string, timeout = 120_000): Promise<Ran> {
  const started = performance.now();
  const command = [file, ...args].join(" ");
  return new Promise((resolve) => {
    execFile(
      file,
      [...args],
      { cwd, env: userEnvironment(), timeout, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        const signal = error?.signal ? `\n(killed by ${error.signal}${error.killed ? ", timed out" : ""})` : "";
        resolve({ command, cwd, code, stdout, stderr: stderr + signal, ms: performance.now() - started });
      },
    );
  });
}

/** A command's outcome as text, for assertion messages. */
export function show(ran: Ran): string {
  const block = (name: string, text: string) => (text.trim() ? `--- ${name} ---\n${text.trimEnd()}\n` : "");
  return `\n$ ${ran.command}   (in ${ran.cwd}; exit ${ran.code}, ${Math.round(ran.ms)} ms)\n${block("stdout", ran.stdout)}${block("stderr", ran.stderr)}`;
}

/** Runs the command and throws, with its output, unless it exits 0. */
export async function runOk(file: string, args: readonly string[], cwd: string, timeout?: number): Promise<Ran> {
  const ran = await run(file, args, cwd, timeout);
  if (ran.code !== 0) throw new Error(`command failed:${show(ran)}`);
  return ran;
}
