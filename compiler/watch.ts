import { watch as watchPath, type FSWatcher } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { compile, defaults, type CompileOptions, type CompileResult } from "./compile.js";

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
  const outPath = join(root, outDir) + sep;
  let watchers: FSWatcher[] = [];
  let running: Promise<void> | undefined;
  let again = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const schedule = (path?: string) => {
    // Its own output, or an editor's swap file, is not a change to the definitions.
    if (path && (path.startsWith(outPath) || /(^|[/\\])\.|~$/.test(relative(root, path)))) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (running) again = true;
      else running = once();
    }, 50);
  };

  const watchAll = (inputs: readonly string[]) => {
    for (const watcher of watchers) watcher.close();
    const definitions = join(root, definitionsDir);
    const outside = inputs.filter((file) => !file.startsWith(definitions + sep));
    watchers = [
      watchPath(definitions, { recursive: true }, (_, name) => schedule(name ? join(definitions, name) : undefined)),
      // A folder, not the file: editors often replace a file on save, and a watch on it would go quiet.
      ...[...new Set(outside.map(dirname))].map((folder) =>
        watchPath(folder, (_, name) => {
          const path = name ? join(folder, name) : undefined;
          if (!path || outside.includes(path)) schedule(path);
        }),
      ),
    ];
    for (const watcher of watchers) watcher.on("error", () => schedule());
  };

  const once = async (): Promise<void> => {
    do {
      again = false;
      const result = await compile(options);
      if (closed) return;
      report(result);
      watchAll(result.inputs);
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
    },
  };
}
