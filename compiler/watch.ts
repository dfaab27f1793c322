import { statSync, watch as watchPath, type FSWatcher } from "node:fs";
import { basename, dirname, join, resolve, sep } from "node:path";
import { createCompiler, defaults, type CompileOptions, type CompileResult } from "./compile.js";
import { stagingParents } from "./stages/emit/write-files.js";

export interface Watching {
  /** Stops watching; a compile under way finishes first. */
  close(): Promise<void>;
}

/**
 * Compiles, then compiles again whenever the definitions, a file they import or the tsconfig
 * changes, until closed. Errors do not stop it: each result goes to `report`, and the next save
 * tries again. Changes arriving during a compile are gathered into one more compile.
 */
export function watch(options: CompileOptions, report: (result: CompileResult) => void): Watching {
  const { root, definitionsDir = defaults.definitionsDir, outDir = defaults.outDir } = options;
  const outPath = resolve(root, outDir) + sep;
  // Where compiles stage their files (and keep their caches): never input, and written by every
  // compile, so a definitions folder holding one (`--out definitions/generated`, `--definitions .`)
  // would set off a compile after each compile.
  const scratch = stagingParents(resolve(root), outDir).map((folder) => folder + sep);
  let watchers: FSWatcher[] = [];
  /** What `watchers` watch: kept from one compile to the next while it is the same. */
  let watchedKey: string | undefined;
  /** The files outside the definitions folder that `watchers` watch. */
  let watchedFiles: readonly string[] = [];
  /** Set when a watcher failed, or a folder was missing: then they are made again. */
  let rewatch = true;
  /** Watchers being replaced: closed a little later, once what the system queued for them is delivered. */
  let retiring: FSWatcher[] = [];
  let retireTimer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  // One compiler for the whole watch: each compile reuses what the last parsed, checked and formatted.
  const compiler = createCompiler(options);

  const schedule = (path?: string) => {
    // Its own output, or an editor's swap or backup file, is not a change to the definitions.
    // The folders themselves too (made by the first compile): `path` has no separator at the end.
    const within = (folder: string) => path !== undefined && (path + sep).startsWith(folder);
    if (within(outPath) || scratch.some(within)) return;
    if (path && /^\.|~$/.test(basename(path))) return;
    // A save is a few events within a millisecond or two (truncate and write; or write a copy,
    // rename, chmod): 10 ms without one gathers them; a longer burst (a branch checkout) is
    // gathered by `again`, one more compile once this one is done.
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (running) again = true;
      else running = once();
    }, 10);
  };

  const retire = () => {
    clearTimeout(retireTimer);
    for (const watcher of retiring) watcher.close();
    retiring = [];
  };

  /**
   * Watches what the last compile read. The watchers stay while that is the same, so that no save
   * falls between closing one watcher and opening the next. They are made again when the files
   * outside the definitions folder change, when a watched folder is no longer the folder that was
   * watched (replaced, by a branch checkout say: the old watcher would go quiet), or after an error.
   */
  const watchAll = (inputs: readonly string[], since: number) => {
    const definitions = resolve(root, definitionsDir);
    const outside = inputs.filter((file) => !file.startsWith(definitions + sep)).sort();
    const outsideFolders = [...new Set(outside.map(dirname))];
    const folders = [definitions, ...outsideFolders, root];
    const key = JSON.stringify([outside, folders.map((folder) => [folder, identity(folder)])]);
    if (!rewatch && key === watchedKey && watchers.length) return;
    const watchedBefore = new Set(watchedFiles);
    // The new watchers open before the old close, and the old close only once the events the
    // system already queued for them have come through: a save in between is still seen.
    retire();
    retiring = watchers;
    retireTimer = setTimeout(retire, 100);
    watchers = [];
    watchedFiles = outside;
    watchedKey = key;
    rewatch = false;
    const watchOne = (folder: string, recursive: boolean, accept: (path: string | undefined) => boolean) => {
      try {
        const watcher = watchPath(folder, { recursive }, (_, name) => {
          const path = name ? join(folder, name) : undefined;
          if (accept(path)) schedule(path);
        });
        watcher.on("error", () => {
          rewatch = true;
          schedule();
        });
        watchers.push(watcher);
      } catch {
        // A folder that is not there (yet): the root's watch below sees it come.
        rewatch = true;
      }
    };
    watchOne(definitions, true, () => true);
    // A folder, not the file: editors often replace a file on save, and a watch on it would go quiet.
    for (const folder of outsideFolders)
      watchOne(folder, false, (path) => path === undefined || outside.includes(path));
    // The root, for a definitions folder that appears or a config file that changes.
    watchOne(
      root,
      false,
      (path) => path === undefined || path === definitions || basename(path).startsWith("prosper.config"),
    );
    // A file watched only from now on may have been saved while the compile ran: its time says
    // so. (Not when a compile is to follow anyway.)
    if (!again)
      for (const file of outside)
        if (!watchedBefore.has(file) && modifiedSince(file, since)) {
          schedule(file);
          break;
        }
  };

  const once = async (): Promise<void> => {
    do {
      again = false;
      const started = Date.now();
      try {
        const result = await compiler.compile();
        if (closed) break;
        report(result);
        watchAll(result.inputs, started);
      } catch (error) {
        if (closed) break;
        // prosper's own failure: say so, and try again on the next change rather than stop watching.
        process.stderr.write(
          `prosper: internal error, please report it as a bug:\n${(error as Error)?.stack ?? error}\n`,
        );
        rewatch = true;
        watchAll([], started);
      }
    } while (again && !closed);
    running = undefined;
  };

  // The definitions folder is watched from the start: a save during the first compile counts.
  watchAll([], Date.now());
  running = once();
  return {
    close: async () => {
      closed = true;
      clearTimeout(timer);
      retire();
      for (const watcher of watchers) watcher.close();
      await running;
      await compiler.close();
    },
  };
}

function modifiedSince(file: string, time: number): boolean {
  try {
    return statSync(file).mtimeMs >= time;
  } catch {
    // Gone: its folder's watcher, or the bundler next time, says so.
    return false;
  }
}

/** Which folder a path names now: another one after a folder is replaced (an inode may be reused; its birth time not). */
function identity(folder: string): string {
  try {
    const { dev, ino, birthtimeMs } = statSync(folder);
    return `${dev}:${ino}:${birthtimeMs}`;
  } catch {
    return "missing";
  }
}
