import { fork, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { BuildContext, BuildOptions, BuildResult, Message } from "esbuild";
import { esbuild } from "../../externals.js";
import { isAlive } from "../../process-alive.js";
import { runnerFailed } from "./exit-codes.js";
import type {
  ChildMessage,
  CollectedDefinition,
  PositionsRequest,
  RunRequest,
  SourcePoint,
  ThrownError,
  UnexportedDefinition,
} from "./protocol.js";

export interface RunLimits {
  /** How long the definitions may take to run, in milliseconds. */
  readonly timeoutMs: number;
  /** The heap the definitions may use, in megabytes. */
  readonly memoryMb: number;
}

export const defaultLimits: RunLimits = { timeoutMs: 10_000, memoryMb: 512 };

export interface RunOptions {
  /** The project root: esbuild resolves from it. */
  readonly root: string;
  /** Definition files, absolute, in the order to run them. */
  readonly files: readonly string[];
  /** The tsconfig esbuild reads (paths, jsx settings), absolute, if there is one. */
  readonly tsconfig?: string | undefined;
  /** Extra package.json export conditions to resolve with: the tsconfig's customConditions. */
  readonly conditions?: readonly string[] | undefined;
  readonly limits: RunLimits;
  /**
   * Whether the compiler needs to know where a definition was built (`builtAt`): finding it is
   * the costliest part of a run, and the compiler places most definitions by their export. All
   * are found when this is not given, or throws.
   */
  readonly wantsBuiltAt?: ((definition: CollectedDefinition) => boolean) | undefined;
}

/** Why the definitions could not all run: a positioned problem in the user's code or set-up. */
export interface RunFailure {
  readonly reason: "bundle" | "threw" | "timeout" | "memory" | "ended";
  readonly message: string;
  /** The definition file being evaluated (absolute), or the file esbuild points at. */
  readonly file?: string;
  /** The user's frames, innermost first; for a bundle error, esbuild's location. */
  readonly frames: readonly SourcePoint[];
}

export interface RunResult {
  readonly definitions: readonly CollectedDefinition[];
  readonly unexported: readonly UnexportedDefinition[];
  readonly failures: readonly RunFailure[];
  /** What the definitions printed (console.log and the like), for the CLI to pass on. */
  readonly output: string;
  /** Every file the bundle was built from (absolute): what the definitions are, as run. */
  readonly inputs?: readonly string[];
}

/** The child's entry: beside this file as JavaScript once built, as TypeScript in the repository. */
export function childEntry(): string {
  const built = fileURLToPath(new URL("./child.js", import.meta.url));
  return existsSync(built) ? built : fileURLToPath(new URL("./child.ts", import.meta.url));
}

/** A run under way: the child is started, and its result will come. */
export interface Running {
  readonly result: Promise<RunResult>;
}

const runFolderPrefix = "prosper-run-";

/** A folder for the bundles, named by this process so that a later compile can tell it was abandoned. */
const newRunFolder = () =>
  // Its real path: esbuild names files by theirs (on macOS the temporary folder is a link).
  realpathSync(mkdtempSync(join(tmpdir(), `${runFolderPrefix}${process.pid}-`)));

/**
 * Runs the definition files: esbuild bundles them, and a child process with a time and memory
 * limit imports them and reports what they built. Values are exactly what JavaScript computes:
 * each file is evaluated once, in order, after the modules it imports, and fails on its own; a
 * module two files import is one module, as in node. The bundle is one file (see
 * `writeDefinitionsEntry`): node loads one module, not one per definition file, and esbuild writes two.
 *
 * It resolves as soon as the child is started (the result comes in a wrapper, so that the two
 * promises do not collapse into one): the caller can then block its own thread, as the type
 * checker does, while the child runs.
 */
export async function run(options: RunOptions, state?: RunState): Promise<Running> {
  sweepAbandonedRuns();
  if (state) {
    // A watch bundles into one folder for its whole life, rebuilding only what changed.
    state.outdir ??= newRunFolder();
    const request = { files: options.files, bundle: join(state.outdir, DEFINITIONS_BUNDLE) };
    const bundled = await bundle(options, state.outdir, state);
    if (bundled.failures.length)
      return { result: Promise.resolve({ definitions: [], unexported: [], output: "", failures: bundled.failures }) };
    const runner = join(state.outdir, "runner.js");
    const spare = takeSpare(state, options, runner);
    let evaluated = evaluate(options, spare ?? startChild(options, runner), request);
    // A waiting process that died before it ran a single file (killed while it waited, say)
    // says nothing about the definitions: they run again, in a process started now.
    if (spare)
      evaluated = evaluated.then((ran) =>
        endedBeforeAnyFile(ran) ? evaluate(options, startChild(options, runner), request) : ran,
      );
    const result = evaluated.finally(() => {
      // The next run's process starts once this compile is done (`startWaitingProcess`): a save
      // then meets a process that has already started, and pays only for the run itself. Started
      // now, it would take a core from the checks and the emit this compile still has to do.
      state.spare?.child.kill();
      state.spare = undefined;
      state.nextSpare = state.closed ? undefined : () => startSpare(options, runner);
    });
    return { result: result.then((ran) => ({ ...ran, inputs: bundled.inputs })) };
  }
  const outdir = newRunFolder();
  // Synchronous: a few files, gone at once. Removed with fs.promises, each step would wait for a
  // turn of this thread's event loop, which the type checker holds for tens of milliseconds at a
  // time: the run's result would arrive a quarter of a second after the run.
  const cleanUp = () => {
    try {
      rmSync(outdir, { recursive: true, force: true });
    } catch {
      // Left to the sweep of abandoned run folders.
    }
  };
  try {
    const request = { files: options.files, bundle: join(outdir, DEFINITIONS_BUNDLE) };
    const bundled = await bundle(options, outdir);
    if (bundled.failures.length) {
      cleanUp();
      return { result: Promise.resolve({ definitions: [], unexported: [], output: "", failures: bundled.failures }) };
    }
    const runner = join(outdir, "runner.js");
    const result = evaluate(options, startChild(options, runner), request).finally(cleanUp);
    return { result: result.then((ran) => ({ ...ran, inputs: bundled.inputs })) };
  } catch (error) {
    cleanUp();
    throw error;
  }
}

/** What a watch keeps between runs: esbuild's context (its incremental rebuilds) and the folder it writes. */
export interface RunState {
  outdir?: string | undefined;
  context?: BuildContext | undefined;
  /** The build options the context was made with: another set of files needs another context. */
  contextKey?: string;
  /** A process started for the next run, waiting for its request. */
  spare?: Spare | undefined;
  /** How to start the spare for the next run, once the compile that made this run is done. */
  nextSpare?: (() => Spare) | undefined;
  /** Set when the watch ends: a run still under way then starts no spare. */
  closed?: boolean;
}

/** Starts the process the next run will use, when the last run left one to start and the watch goes on. */
export function startWaitingProcess(state: RunState): void {
  const start = state.nextSpare;
  state.nextSpare = undefined;
  if (start && !state.closed && !state.spare) state.spare = start();
}

/**
 * A process started ahead of the run that will use it. It has loaded the runner as the runner
 * file was then; it serves a run only if that file is still the same (it is one file holding all
 * it runs, so the same text means the same code) and the limits are the same.
 * Each run still gets a process no run has used.
 */
interface Spare {
  readonly child: StartedChild;
  readonly runnerText: string | undefined;
  readonly key: string;
}

const spareKey = (options: RunOptions) => JSON.stringify([options.root, options.limits.memoryMb]);

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

function startSpare(options: RunOptions, runner: string): Spare {
  return { child: startChild(options, runner), runnerText: readText(runner), key: spareKey(options) };
}

/** The spare, if it can serve this run; otherwise it is ended. Either way the state holds none after. */
function takeSpare(state: RunState, options: RunOptions, runner: string): StartedChild | undefined {
  const spare = state.spare;
  state.spare = undefined;
  if (!spare) return undefined;
  const usable =
    spare.key === spareKey(options) &&
    spare.child.process.exitCode === null &&
    spare.child.process.signalCode === null &&
    spare.child.process.connected &&
    spare.runnerText !== undefined &&
    spare.runnerText === readText(runner);
  if (usable) return spare.child;
  spare.child.kill();
  return undefined;
}

/** Whether a run ended before it began on any file: the process, not the definitions, failed. */
const endedBeforeAnyFile = (ran: RunResult) =>
  ran.definitions.length === 0 &&
  ran.failures.length === 1 &&
  ran.failures[0]!.reason === "ended" &&
  ran.failures[0]!.file === undefined;

/** Ends a watch's bundling: esbuild's context, and the folder the bundles were written to. */
export async function closeRunState(state: RunState): Promise<void> {
  state.closed = true;
  state.nextSpare = undefined;
  state.spare?.child.kill();
  state.spare = undefined;
  await state.context?.dispose();
  state.context = undefined;
  if (state.outdir) await rm(state.outdir, { recursive: true, force: true });
  state.outdir = undefined;
}

/** Bundle folders of compiles that were killed before they could remove them: their process is gone. */
function sweepAbandonedRuns(): void {
  try {
    for (const entry of readdirSync(tmpdir())) {
      if (!entry.startsWith(runFolderPrefix)) continue;
      const pid = Number(entry.slice(runFolderPrefix.length).split("-")[0]);
      if (Number.isInteger(pid) && pid !== process.pid && !isAlive(pid))
        rmSync(join(tmpdir(), entry), { recursive: true, force: true });
    }
  } catch {
    // Sweeping is tidying up; a folder it cannot read or remove is left for the next compile.
  }
}

/** The bundle of every definition file, beside the runner. */
const DEFINITIONS_BUNDLE = "definitions.js";
/** The bundle's entry, written in the run folder. */
const DEFINITIONS_ENTRY = "definitions-entry.js";

/**
 * Writes the bundle's entry: `loaders[i]()` imports the i-th file. A dynamic import of each, so
 * that esbuild wraps each module in a function run when it is first imported, which remembers
 * what the module threw and throws it again to every later importer, as node does; a definition
 * file is evaluated only when the runner asks for it. One difference from node: a binding read
 * before its module has set it (possible only through a cycle of imports) is undefined, where
 * node throws a ReferenceError; what reads it then fails, or the checks reject what it built.
 * A file, not a plugin's module: esbuild would wait on this thread to serve a plugin, and this
 * thread is busy (loading TypeScript, or the program) while esbuild bundles.
 */
function writeDefinitionsEntry(files: readonly string[], outdir: string): string {
  const path = join(outdir, DEFINITIONS_ENTRY);
  // Forward slashes: esbuild reads `C:/x/y.ts` as the absolute path it is; `\` would need escaping.
  const specifier = (file: string) => JSON.stringify(file.split(sep).join("/"));
  const contents = `export const loaders = [\n${files.map((file) => `  () => import(${specifier(file)}),\n`).join("")}];\n`;
  // Left alone when the same: a watch's rebuild then finds the entry unchanged.
  if (readText(path) !== contents) writeFileSync(path, contents);
  return path;
}

async function bundle(
  options: RunOptions,
  outdir: string,
  state?: RunState,
): Promise<{ failures: RunFailure[]; inputs: string[] }> {
  const entry = writeDefinitionsEntry(options.files, outdir);
  const buildOptions: BuildOptions = {
    entryPoints: [
      { in: childEntry(), out: "runner" },
      { in: entry, out: DEFINITIONS_BUNDLE.replace(/\.js$/, "") },
    ],
    absWorkingDir: options.root,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    outdir,
    sourcemap: "linked",
    sourcesContent: false,
    write: true,
    metafile: true,
    logLevel: "silent",
    ...(options.tsconfig ? { tsconfig: options.tsconfig } : {}),
    ...(options.conditions?.length ? { conditions: [...options.conditions] } : {}),
    // CommonJS packages that require node's modules need a require in an ES module bundle.
    banner: {
      js: `import { createRequire as __prosperRequire } from "node:module"; const require = __prosperRequire(import.meta.url);`,
    },
  };
  try {
    let result: BuildResult<{ metafile: true }>;
    if (state) {
      const key = JSON.stringify(buildOptions);
      if (state.contextKey !== key) {
        await state.context?.dispose();
        state.context = undefined;
        state.context = await esbuild().context(buildOptions);
        state.contextKey = key;
      }
      result = (await state.context!.rebuild()) as BuildResult<{ metafile: true }>;
    } else result = (await esbuild().build(buildOptions)) as BuildResult<{ metafile: true }>;
    const inputs = Object.keys(result.metafile.inputs)
      .map((input) => resolve(options.root, input))
      .filter((input) => input !== entry);
    return { failures: [], inputs };
  } catch (error) {
    const messages = (error as { errors?: Message[] }).errors;
    if (!Array.isArray(messages)) throw error;
    const failures = messages.map((message): RunFailure => {
      // A place in the entry (a definition file gone since it was listed, say) names the file by
      // its line there: line 2 imports the first.
      if (message.location && resolve(options.root, message.location.file) === entry) {
        const file = options.files[message.location.line - 2];
        return { reason: "bundle", message: message.text, ...(file ? { file } : {}), frames: [] };
      }
      const { location } = message;
      return {
        reason: "bundle",
        message: message.text,
        ...(location ? { file: resolve(options.root, location.file) } : {}),
        frames: location
          ? [{ file: resolve(options.root, location.file), line: location.line, column: location.column + 1 }]
          : [],
      };
    });
    return { failures, inputs: [] };
  }
}

const outputLimit = 64 * 1024;

/** A started runner process, gathering what it prints from its first moment. */
interface StartedChild {
  readonly process: ChildProcess;
  /** Ends the process and whatever it started. */
  kill(): void;
  /** What it printed so far, each stream kept to the output limit. */
  printed(): { output: string; errorOutput: string };
}

function startChild(options: RunOptions, runner: string): StartedChild {
  const child = fork(runner, [], {
    cwd: options.root,
    execArgv: [`--max-old-space-size=${options.limits.memoryMb}`],
    serialization: "advanced",
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    // A group of its own, so that whatever the definitions start goes when it goes.
    detached: true,
  });
  let output = "";
  let errorOutput = "";
  const keep = (text: string, chunk: Buffer) => (text.length < outputLimit ? text + chunk.toString("utf8") : text);
  child.stdout!.on("data", (chunk: Buffer) => (output = keep(output, chunk)));
  child.stderr!.on("data", (chunk: Buffer) => (errorOutput = keep(errorOutput, chunk)));
  child.on("error", () => {
    // Reported through "exit", which follows.
  });
  return {
    process: child,
    kill: () => {
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        // Already gone; or no process groups (Windows): then the process itself.
        child.kill("SIGKILL");
      }
    },
    printed: () => ({ output, errorOutput }),
  };
}

function evaluate(options: RunOptions, started: StartedChild, request: RunRequest): Promise<RunResult> {
  const { timeoutMs, memoryMb } = options.limits;
  const { process: child, kill: killGroup } = started;
  return new Promise((resolvePromise, reject) => {
    let current: string | undefined;
    let result: Extract<ChildMessage, { kind: "done" }> | undefined;
    /** The definitions whose place was asked for, and the answer, in that order. */
    let asked: readonly number[] = [];
    let builtAt: readonly (SourcePoint | null)[] = [];
    let timedOut = false;
    // From the request on: a process started ahead has had no time counted against it.
    const timer = setTimeout(
      // After what has already arrived is read: this thread may have been busy (a type check
      // that takes seconds) while the process sent its last message.
      () =>
        setImmediate(() => {
          if (over) return;
          timedOut = true;
          killGroup();
        }),
      timeoutMs,
    );
    // The run is over when the process has said all it will (its definitions, and the places
    // asked for), not when it exits: this thread may be busy (type checking) for a while between
    // two of its turns, and waiting for the exit would take one more.
    child.on("message", (message: ChildMessage) => {
      if (message.kind === "evaluating") current = message.file;
      else if (message.kind === "positions") {
        builtAt = message.builtAt;
        ended(0, null);
      } else {
        result = message;
        asked = positionsWanted(options, message.definitions);
        if (!asked.length) ended(0, null);
        else if (child.connected) child.send({ kind: "positions", indices: asked } satisfies PositionsRequest);
      }
    });
    let over = false;
    const ended = (code: number | null, signal: NodeJS.Signals | null) => {
      if (over) return;
      over = true;
      clearTimeout(timer);
      // The process, and whatever the definitions started.
      killGroup();
      // What was printed before has arrived by the next turn of the event loop: the process
      // flushes its output before it sends its last message.
      setImmediate(() => {
        child.stdout!.destroy();
        child.stderr!.destroy();
        settle(code, signal);
      });
    };
    // "exit", not "close": a process the definitions started may hold the output pipes open.
    if (child.exitCode !== null || child.signalCode !== null) ended(child.exitCode, child.signalCode);
    else child.once("exit", ended);
    const settle = (code: number | null, signal: NodeJS.Signals | null) => {
      const { output, errorOutput } = started.printed();
      const printed = (output + errorOutput).slice(0, outputLimit);
      const at = current ? { file: current } : {};
      if (result) {
        const placed = new Map(asked.map((index, at) => [index, builtAt[at]]));
        resolvePromise({
          definitions: placed.size
            ? result.definitions.map((definition, index) => {
                const point = placed.get(index);
                return point ? { ...definition, builtAt: point } : definition;
              })
            : result.definitions,
          unexported: result.unexported,
          failures: result.errors.map(thrownFailure),
          output: printed,
        });
        return;
      }
      const failure = (reason: RunFailure["reason"], message: string): RunResult => ({
        definitions: [],
        unexported: [],
        failures: [{ reason, message, ...at, frames: [] }],
        output: timedOut || reason === "memory" ? output : printed,
      });
      if (code === runnerFailed) {
        reject(new Error(`the process running the definitions failed:\n${errorOutput}`));
      } else if (timedOut) {
        resolvePromise(
          failure(
            "timeout",
            `the definitions did not finish running within ${timeoutMs} ms while this file was evaluated (an endless loop, or a wait that never ends?)`,
          ),
        );
      } else if (/heap limit|heap out of memory|Allocation failed/i.test(errorOutput)) {
        resolvePromise(
          failure(
            "memory",
            `the definitions used more than ${memoryMb} MB of memory while this file was evaluated (a loop that keeps allocating?)`,
          ),
        );
      } else if (code === 0 || code === 13) {
        // The child ends only once its event loop is empty: an import still pending then waits on
        // something that will never come.
        resolvePromise(failure("ended", "a top-level await in this file never settled"));
      } else {
        const tail = errorOutput.trim().split("\n").slice(-5).join("\n");
        const how = signal ? `signal ${signal}` : `exit code ${code}`;
        resolvePromise(
          failure(
            "ended",
            `the process running the definitions ended early (${how}) while this file was evaluated${tail ? `:\n${tail}` : ""}`,
          ),
        );
      }
    };
    if (child.connected) child.send({ ...request, deadlineMs: timeoutMs });
  });
}

/** The definitions (by index) whose `builtAt` the compiler wants: every one, unless it says which. */
function positionsWanted(options: RunOptions, definitions: readonly CollectedDefinition[]): number[] {
  const all = () => definitions.map((_, index) => index);
  if (!options.wantsBuiltAt) return all();
  try {
    return definitions.flatMap((definition, index) => (options.wantsBuiltAt!(definition) ? [index] : []));
  } catch {
    return all();
  }
}

function thrownFailure(error: ThrownError): RunFailure {
  return { reason: "threw", message: error.message, file: error.file, frames: error.frames };
}
