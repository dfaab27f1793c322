/**
 * The process that runs the definitions: the run stage bundles this file with the definition
 * files, starts it with a time and memory limit, and sends it a RunRequest. It imports each
 * definition file, collects the definitions its exports reach, reads each through the runtime's
 * document reader (the same one an application's runtime uses), and reports back. Nothing here
 * may throw: everything the user's code does wrong becomes data for a diagnostic.
 */
import { readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { dirname, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { readExperiment, readFeature, type PyofRecord } from "prosper-runtime";
import { definitionListenerKey, type DefinitionKind } from "../../define/registry.js";
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

type CallSite = {
  getFileName(): string | null | undefined;
  getLineNumber(): number | null;
  getColumnNumber(): number | null;
};

// Taken before any definition runs: a definition may replace process.send or process.exit.
const sendMessage = process.send!.bind(process);
const outputs = [process.stdout, process.stderr].map((stream) => stream.write.bind(stream));
/**
 * Resolves once what was printed so far has been handed to the pipes (a pipe may take it slowly
 * while the compiler is busy): before a last message. Never later than a second from now.
 */
const flushed = () =>
  Promise.all(
    outputs.map(
      (write) =>
        new Promise<void>((resolve) => {
          setTimeout(resolve, 1000).unref();
          try {
            write("", () => resolve());
          } catch {
            resolve();
          }
        }),
    ),
  );
const send = (message: ChildMessage) => new Promise<void>((resolve) => sendMessage(message, () => resolve()));
const realExit = process.exit.bind(process);

// Stack frames are kept as structured call sites (mapped through the source map below), not text.
const sitesOf = new WeakMap<object, readonly CallSite[]>();
// Set while this file reads a stack only for its call sites: the text is then never read.
let sitesOnly = false;
Error.stackTraceLimit = 64;
const prepareStackTrace = (error: unknown, sites: CallSite[]) => {
  if (typeof error === "object" && error !== null) sitesOf.set(error, sites);
  return sitesOnly ? "" : `${String(error)}${sites.map((site) => `\n    at ${String(site)}`).join("")}`;
};
Error.prepareStackTrace = prepareStackTrace;

/**
 * The call sites of a stack taken earlier (by Error.captureStackTrace, or a throw). V8 keeps the
 * frames and builds the call sites only when the stack is first read; this reads it with this
 * file's formatter, whatever the definitions did to Error.prepareStackTrace since.
 */
function callSitesOf(holder: object, keepText = false): readonly CallSite[] {
  let theirs: unknown;
  try {
    theirs = Error.prepareStackTrace;
    // A thrown error keeps its text (the definitions may still print it); a held stack needs none.
    sitesOnly = !keepText;
    Error.prepareStackTrace = prepareStackTrace;
    void (holder as { stack?: unknown }).stack;
  } catch {
    // A throwing getter on a thrown object, or an Error the definitions froze: no frames.
  } finally {
    sitesOnly = false;
    try {
      Error.prepareStackTrace = theirs as typeof Error.prepareStackTrace;
    } catch {
      // Frozen: it was never changed.
    }
  }
  return sitesOf.get(holder) ?? [];
}

// Taken before any definition runs, as process.send is: the definitions may replace it.
const captureStackTrace = Error.captureStackTrace;

type MapEntry = { originalSource?: string; originalLine?: number; originalColumn?: number };

interface BundleMap {
  readonly map: SourceMap;
  /** Each source the map names, as an absolute path (null: not a file). */
  readonly paths: Map<string, string | null>;
  readonly mapUrl: string;
}

// Each bundle's source map, read the first time a frame in it is mapped. Not node's
// --enable-source-maps: that reads and indexes the map of every module as it loads, which for a
// thousand definitions costs more than all the mapping this file does.
const sourceMaps = new Map<string, BundleMap | null>();

function bundleMap(bundle: string): BundleMap | null {
  let found = sourceMaps.get(bundle);
  if (found !== undefined) return found;
  found = null;
  try {
    // esbuild writes each bundle's map beside it ("linked" source maps).
    const mapPath = `${bundle.startsWith("file:") ? fileURLToPath(bundle) : bundle}.map`;
    const payload = JSON.parse(readFileSync(mapPath, "utf8")) as ConstructorParameters<typeof SourceMap>[0];
    found = { map: new SourceMap(payload), paths: new Map(), mapUrl: pathToFileURL(mapPath).href };
  } catch {
    // Not one of the bundles (node's own modules, a file imported at run time): not mapped.
  }
  sourceMaps.set(bundle, found);
  return found;
}

/** Where a position in a bundle (a file URL or path, 1-based) comes from in the original sources. */
function originalOf(bundle: string, line: number, column: number): SourcePoint | undefined {
  const found = bundleMap(bundle);
  if (!found) return undefined;
  const entry = found.map.findEntry(line - 1, column - 1) as MapEntry | undefined;
  if (!entry?.originalSource) return undefined;
  let file = found.paths.get(entry.originalSource);
  if (file === undefined) {
    // The map names sources relative to itself.
    const url = new URL(entry.originalSource, found.mapUrl);
    file = url.protocol === "file:" ? fileURLToPath(url) : null;
    found.paths.set(entry.originalSource, file);
  }
  return file ? { file, line: entry.originalLine! + 1, column: entry.originalColumn! + 1 } : undefined;
}

// Frames already mapped, by their place in the bundle: prosper's own frames (the define helpers
// under every definition) are the same on every call.
const mappedFrames = new Map<string, SourcePoint | null>();

/** A stack frame at its place in the original sources, where the bundle's source map says. */
function sourceFrame(site: CallSite): SourcePoint | undefined {
  const bundle = site.getFileName();
  const line = site.getLineNumber();
  const column = site.getColumnNumber();
  if (!bundle || !line || !column) return undefined;
  const key = `${line}:${column}:${bundle}`;
  let frame = mappedFrames.get(key);
  if (frame === undefined) {
    frame = originalOf(bundle, line, column) ?? null;
    mappedFrames.set(key, frame);
  }
  return frame ?? undefined;
}

// This file's own bundle: only prosper's code is in it (the definitions are a bundle of their own).
const runnerBundle = import.meta.url;

const isUserFrame = ({ file }: SourcePoint, ownFolders: readonly string[]) =>
  !file.includes("/node_modules/") && !ownFolders.some((folder) => file.startsWith(folder));

/**
 * The frames in the user's own files (not in node_modules, not in prosper's folders), innermost
 * first; each frame is mapped only when asked for, so taking the first maps no more than needed.
 */
function* userFrames(sites: readonly CallSite[], ownFolders: readonly string[]): Generator<SourcePoint> {
  for (const site of sites) {
    if (site.getFileName() === runnerBundle) continue;
    const frame = sourceFrame(site);
    if (frame && isUserFrame(frame, ownFolders)) yield frame;
  }
}

function describe(thrown: unknown): string {
  try {
    if (thrown instanceof Error) return `${thrown.name}: ${thrown.message}`;
    const text = typeof thrown === "string" ? JSON.stringify(thrown) : String(thrown);
    return `${typeof thrown === "object" ? "" : `the ${typeof thrown} `}${text}, not an Error, so there is no stack to say where`;
  } catch {
    return "a value that cannot be printed was thrown";
  }
}

/**
 * prosper's own source folders (the define helpers, the runtime), found from where the runner's
 * source map places this file: their frames are skipped when looking for the user's line. Only
 * the map's list of sources is read; its mappings are not decoded.
 */
function ownFolders(): string[] {
  try {
    const mapPath = `${fileURLToPath(runnerBundle)}.map`;
    const { sources } = JSON.parse(readFileSync(mapPath, "utf8")) as { sources?: unknown };
    const self = Array.isArray(sources)
      ? sources.find(
          (source): source is string => typeof source === "string" && /(^|\/)stages\/run\/child\.[jt]s$/.test(source),
        )
      : undefined;
    if (!self) return [];
    const url = new URL(self, pathToFileURL(mapPath));
    if (url.protocol !== "file:") return [];
    // In the repository this file is compiler/stages/run/child.ts under prosper's root. Built,
    // it sits in a package's dist/ folder, in node_modules, whose frames are skipped anyway.
    const root = fileURLToPath(new URL("../../../", url));
    return [`${root}compiler/`, `${root}runtime/`];
  } catch {
    return [];
  }
}

/**
 * A copy of a value that can cross to the compiler whatever it holds: what cannot be copied
 * (functions, unreadable properties, cycles, depth past the limit) becomes null. It only guides
 * where diagnostics point, for documents the reader rejected.
 */
function skeleton(value: unknown, depth = 0, ancestors = new Set<object>()): unknown {
  if (typeof value !== "object" || value === null)
    return typeof value === "function" || typeof value === "symbol" ? null : value;
  if (depth > 80 || ancestors.has(value)) return null;
  ancestors.add(value);
  try {
    if (Array.isArray(value)) return Array.from(value, (inner: unknown) => skeleton(inner, depth + 1, ancestors));
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      try {
        Object.defineProperty(copy, key, {
          value: skeleton((value as Record<string, unknown>)[key], depth + 1, ancestors),
          enumerable: true,
        });
      } catch {
        // An unreadable property: the reader has reported it.
      }
    }
    return copy;
  } catch {
    return null;
  } finally {
    ancestors.delete(value);
  }
}

/**
 * Ends this process when the compiler is gone or the deadline has passed, from a thread of its
 * own: a definition spinning in an endless loop holds the main thread, and a compiler killed
 * with SIGKILL cannot kill it any more.
 */
function startWatchdog(deadlineMs: number): void {
  const watchdog = new Worker(
    `const { workerData } = require("node:worker_threads");
    const deadline = Date.now() + workerData.deadlineMs;
    setInterval(() => {
      let parentAlive = true;
      try { process.kill(workerData.parent, 0); } catch (error) { parentAlive = error.code === "EPERM"; }
      if (!parentAlive || Date.now() > deadline) process.kill(process.pid, "SIGKILL");
    }, 250);`,
    { eval: true, workerData: { parent: process.ppid, deadlineMs } },
  );
  watchdog.unref();
}

async function main(request: RunRequest): Promise<void> {
  // A second past the compiler's own limit, which normally ends this process first.
  if (request.deadlineMs) startWatchdog(request.deadlineMs + 1000);
  // The run folder too: the bundle's entry, which imports each definition file, is written there.
  const own = [...ownFolders(), dirname(fileURLToPath(runnerBundle)) + sep];
  /** Each definition built, and the stack it was built on, not yet read. */
  const built = new Map<object, { kind: DefinitionKind; stack: object }>();
  // Where a definition was built is the first of the user's frames when it was. Finding it (the
  // call sites built, the source map read, frames mapped) costs more than the rest of a run, and
  // the compiler needs it for few definitions: those it cannot place by their export. So the
  // stack is only taken here, as V8 keeps it, and read when asked for.
  const listener = (document: object, kind: DefinitionKind) => {
    const stack = {};
    captureStackTrace(stack, listener);
    built.set(document, { kind, stack });
  };
  (globalThis as Record<symbol, unknown>)[definitionListenerKey] = listener;
  let helpersSeen = false;
  const builtAtOf = (stack: object): SourcePoint | undefined => {
    try {
      const sites = callSitesOf(stack);
      // The define helpers the definitions use may be another copy of prosper than this one (a
      // global command, a linked checkout): the frame that called the listener is theirs.
      const helpers = sites[0] && sourceFrame(sites[0])?.file;
      if (helpers && !own.some((folder) => helpers.startsWith(folder))) own.push(dirname(helpers) + sep);
      helpersSeen = true;
      return userFrames(sites, own).next().value;
    } catch {
      // Not known: the diagnostic goes without it.
      return undefined;
    }
  };

  const errors: ThrownError[] = [];
  const seenErrors = new Set<unknown>();
  let current = "";
  const recordError = (thrown: unknown) => {
    // A file that imports a failed one fails with the same error: report it once.
    if (seenErrors.has(thrown)) return;
    seenErrors.add(thrown);
    let frames: SourcePoint[] = [];
    try {
      if (typeof thrown === "object" && thrown !== null) {
        // Frames in the helpers' copy of prosper are not the user's: learn where it is first.
        const first = helpersSeen ? undefined : built.values().next().value;
        if (first) builtAtOf(first.stack);
        frames = [...userFrames(callSitesOf(thrown, true), own)];
      }
    } catch {
      // A thrown Proxy or a getter on stack: the error still counts, without frames.
    }
    errors.push({ file: current, message: describe(thrown), frames });
  };
  process.on("uncaughtException", recordError);
  process.on("unhandledRejection", recordError);
  // Ending the compiler's child is not the definitions' call to make: say where they tried.
  process.exit = ((code?: number) => {
    throw new Error(`process.exit(${code ?? ""}) was called while the definitions were evaluated`);
  }) as typeof process.exit;

  type Namespace = Record<string, unknown>;
  // Importing the bundle evaluates no definition file: each waits for its loader.
  const { loaders } = (await import(pathToFileURL(request.bundle).href)) as {
    loaders: readonly (() => Promise<Namespace>)[];
  };
  const namespaces: { file: string; namespace: Namespace }[] = [];
  for (const [index, file] of request.files.entries()) {
    current = file;
    await send({ kind: "evaluating", file });
    try {
      namespaces.push({ file, namespace: await loaders[index]!() });
    } catch (thrown) {
      recordError(thrown);
    }
  }

  const definitions: CollectedDefinition[] = [];
  /** The stack each of `definitions` was built on, by the same index. */
  const stacks: object[] = [];
  const collected = new Set<object>();
  const collect = (file: string, exportName: string, path: (string | number)[], value: unknown) => {
    const found = typeof value === "object" && value !== null ? built.get(value) : undefined;
    if (!found || collected.has(value as object)) return;
    collected.add(value as object);
    const read = found.kind === "experiment" ? readExperiment(value) : readFeature(value);
    // The reader keeps only the format's own fields; where a document came from is worth keeping.
    let origin: "pyof" | undefined;
    let pyof: unknown;
    try {
      origin = (value as { semantics?: unknown }).semantics === "pyof" ? "pyof" : undefined;
      // JSON by construction (fromPyof built it); the skeleton copy keeps it cloneable all the same.
      if (origin) pyof = skeleton((value as { pyof?: unknown }).pyof);
    } catch {
      // Unreadable: the reader has said so.
    }
    stacks.push(found.stack);
    definitions.push({
      file,
      exportName,
      path,
      kind: found.kind,
      read,
      ...(origin ? { origin } : {}),
      ...(pyof ? { pyof: pyof as PyofRecord } : {}),
      ...(read.ok ? {} : { skeleton: skeleton(value) }),
    });
  };
  const read = (from: object, key: string) => {
    try {
      return { value: (from as Record<string, unknown>)[key] };
    } catch (thrown) {
      recordError(thrown);
      return undefined;
    }
  };
  for (const { file, namespace } of namespaces) {
    // Errors while reading the exports belong to this file.
    current = file;
    for (const exportName of Object.keys(namespace)) {
      const found = read(namespace, exportName);
      if (!found) continue;
      const { value } = found;
      collect(file, exportName, [], value);
      try {
        // One level in: `export const flags = [feature(...), ...]` or `export default { a, b }`.
        if (Array.isArray(value)) value.forEach((element, index) => collect(file, exportName, [index], element));
        else if (typeof value === "object" && value !== null && !built.has(value)) {
          for (const key of Object.keys(value)) {
            const member = read(value, key);
            if (member) collect(file, exportName, [key], member.value);
          }
        }
      } catch (thrown) {
        recordError(thrown);
      }
    }
  }
  const unexported: UnexportedDefinition[] = [];
  for (const [document, { kind, stack }] of built) {
    if (collected.has(document)) continue;
    // The warning is placed where it was built: there is no export to place it by.
    const builtAt = builtAtOf(stack);
    let name: unknown;
    try {
      name = (document as { name?: unknown }).name;
    } catch {
      // Unreadable: the warning goes without the name.
    }
    unexported.push({ kind, ...(typeof name === "string" ? { name } : {}), ...(builtAt ? { builtAt } : {}) });
  }
  // The compiler asks where some definitions were built, or ends this process.
  process.once("message", (message: PositionsRequest) => {
    let answer: Promise<void> | undefined;
    try {
      const builtAt = message.indices.map((index) => (stacks[index] && builtAtOf(stacks[index])) ?? null);
      answer = flushed().then(() => send({ kind: "positions", builtAt }));
    } finally {
      // Answered or not, this process is done.
      void (answer ?? Promise.resolve()).then(
        () => realExit(0),
        () => realExit(0),
      );
    }
  });
  process.once("disconnect", () => realExit(0));
  // The compiler takes the run as over at its last message, and ends this process then.
  await flushed();
  await send({ kind: "done", definitions, unexported, errors });
}

process.once("message", (request) => {
  main(request as RunRequest).catch(async (error: unknown) => {
    // prosper's own failure, not the user's: the parent reports it as an internal error.
    process.stderr.write(`prosper: the definitions runner failed: ${(error as Error)?.stack ?? error}\n`);
    realExit(runnerFailed);
  });
});
