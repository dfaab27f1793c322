import { watch as watchPath, type FSWatcher } from "node:fs";
import { basename, dirname, join, resolve, sep } from "node:path";
import { createCompiler, defaults, type CompileOptions, type CompileResult } from "./compile.js";

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
  let watchers: FSWatcher[] = [];
  let running: Promise<void> | undefined;
  let again = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  // One compiler for the whole watch: each compile reuses what the last parsed, checked and formatted.
  const compiler = createCompiler(options);

  const schedule = (path?: string) => {
    // Its own output, or an editor's swap or backup file, is not a change to the definitions.
    if (path && (path.startsWith(outPath) || /^\.|~$/.test(basename(path)))) return;
    // A save is often two or three events within a millisecond or two (write, rename, chmod):
    // a short pause gathers them; a longer burst (a branch checkout) is gathered by `again`.
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (running) again = true;
      else running = once();
    }, 20);
  };

  const watchAll = (inputs: readonly string[]) => {
    for (const watcher of watchers) watcher.close();
    watchers = [];
    const definitions = resolve(root, definitionsDir);
    const outside = inputs.filter((file) => !file.startsWith(definitions + sep));
    const watchOne = (folder: string, recursive: boolean, accept: (path: string | undefined) => boolean) => {
      try {
        const watcher = watchPath(folder, { recursive }, (_, name) => {
          const path = name ? join(folder, name) : undefined;
          if (accept(path)) schedule(path);
        });
        watcher.on("error", () => schedule());
        watchers.push(watcher);
      } catch {
        // A folder that is not there (yet): the root's watch below sees it come.
      }
    };
    watchOne(definitions, true, () => true);
    // A folder, not the file: editors often replace a file on save, and a watch on it would go quiet.
    for (const folder of new Set(outside.map(dirname)))
      watchOne(folder, false, (path) => path === undefined || outside.includes(path));
    // The root, for a definitions folder that appears or a config file that changes.
    watchOne(
      root,
      false,
      (path) => path === undefined || path === definitions || basename(path).startsWith("prosper.config"),
    );
  };

  const once = async (): Promise<void> => {
    do {
      again = false;
      try {
        const result = await compiler.compile();
        if (closed) break;
        report(result);
        watchAll(result.inputs);
      } catch (error) {
        // prosper's own failure: say so, and try again on the next change rather than stop watching.
        process.stderr.write(
          `prosper: internal error, please report it as a bug:\n${(error as Error)?.stack ?? error}\n`,
        );
        watchAll([]);
      }
    } while (again && !closed);
    running = undefined;
  };

  running = once();
  return {
    close: async () => {
      closed = true;
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
      await running;
      await compiler.close();
    },
  };
}
