import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire, Module } from "node:module";
import { dirname, join, sep } from "node:path";
import { constants, Script } from "node:vm";

/**
 * V8's compiled code for a large CommonJS file, kept between runs of the CLI. ts-morph's copy of
 * TypeScript is 9 MB of JavaScript: compiling it is about half of loading it (about 90 of 180 ms
 * here), and each compile pays it. Node 22.1 and later do this themselves (`module.enableCompileCache`,
 * which tsc turns on); on older Node the file is compiled here, with its cached code, and put in
 * require's cache, where the file that requires it finds it.
 *
 * The cache lives beside the file's package, in `node_modules/.cache/prosper/code-cache/`, one file
 * per (path, size, modification time, Node version, architecture); V8 itself refuses code from
 * another V8 or other flags. Anything that goes wrong falls back to a plain require.
 */

export type CodeCacheOutcome =
  /** Loaded with code from the cache. */
  | "used"
  /** Loaded without it (none yet, or V8 refused it); it is written when the process exits. */
  | "made"
  /** Node's own compile cache is on instead. */
  | "node"
  /** Not loaded here: switched off, not a file under node_modules, or something failed. */
  | "skipped";

const CACHE_FOLDER = join(".cache", "prosper", "code-cache");

/** Loads the CommonJS file `filename` into require's cache, through the code cache where it can. */
export function preloadWithCodeCache(filename: string): CodeCacheOutcome {
  if (process.env["NODE_DISABLE_COMPILE_CACHE"]) return "skipped";
  const nodeCache = (Module as { enableCompileCache?: () => unknown }).enableCompileCache;
  if (nodeCache) {
    try {
      nodeCache();
      return "node";
    } catch {
      return "skipped";
    }
  }
  const require = createRequire(import.meta.url);
  if (require.cache[filename]) return "skipped";
  const modules = filename.lastIndexOf(`${sep}node_modules${sep}`);
  if (modules < 0) return "skipped";
  const folder = join(filename.slice(0, modules + `${sep}node_modules`.length), CACHE_FOLDER);
  let cacheFile: string;
  let source: string;
  try {
    const { size, mtimeMs } = statSync(filename);
    const key = JSON.stringify([filename, size, mtimeMs, process.version, process.arch]);
    cacheFile = join(folder, `${createHash("sha256").update(key).digest("hex").slice(0, 24)}.bin`);
    source = readFileSync(filename, "utf8");
  } catch {
    return "skipped";
  }
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // None yet.
  }
  const module = new Module(filename);
  try {
    const script = new Script(Module.wrap(source), {
      filename,
      ...(cachedData ? { cachedData } : {}),
      importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    const used = cachedData !== undefined && !script.cachedDataRejected;
    const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
    module.filename = filename;
    // In the cache before it runs, as require does: a cycle back to it finds it.
    require.cache[filename] = module;
    wrapper.call(module.exports, module.exports, createRequire(filename), module, filename, dirname(filename));
    module.loaded = true;
    // Written at exit: by then it holds the functions this run compiled too, not only the top level.
    if (!used) process.once("exit", () => save(script, folder, cacheFile));
    return used ? "used" : "made";
  } catch {
    if (require.cache[filename] === module) delete require.cache[filename];
    return "skipped";
  }
}

/** Writes the script's code beside the others (replacing them: another TypeScript, another Node), whole or not at all. */
function save(script: Script, folder: string, cacheFile: string): void {
  try {
    const data = script.createCachedData();
    mkdirSync(folder, { recursive: true });
    for (const entry of readdirSync(folder))
      if (entry.endsWith(".bin") && join(folder, entry) !== cacheFile) rmSync(join(folder, entry), { force: true });
    const partial = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(partial, data);
    renameSync(partial, cacheFile);
  } catch {
    // A cache that cannot be written costs the next run its time, nothing else.
  }
}
