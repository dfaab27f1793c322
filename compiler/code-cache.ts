import { randomBytes } from "node:crypto";
import {
  closeSync,
  fstatSync,
  openSync,
  constants as fsConstants,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire, Module } from "node:module";
import { basename, dirname, join, sep } from "node:path";
import { constants, Script } from "node:vm";
import { crc32 } from "node:zlib";
import { canWriteIn } from "./writable-folder.js";

/**
 * V8's compiled code for a large CommonJS file, kept between runs of the CLI. ts-morph's copy of
 * TypeScript is 9 MB of JavaScript: compiling it is about half of loading it (about 90 of 180 ms
 * here), and each compile pays it. Node 22.8 and later do this themselves (`module.enableCompileCache`,
 * which tsc turns on); on older Node the file is compiled here, with its cached code, and put in
 * require's cache, where the file that requires it finds it.
 *
 * The cache lives in the `node_modules` folder that holds the file, under
 * `.cache/prosper/code-cache/`: one file per (path, size, modification time, checksum of the
 * source, Node version, architecture). V8 checks only the source's length and its own version
 * and flags, and a release build of V8 does not check the code it is given: code for other source
 * of the same length runs that other source, and damaged code can crash the process. So the key
 * holds the source's checksum, and the entry starts with its key's checksum and its code's, both
 * checked before V8 sees the code. Only a regular file is read. Anything that goes wrong before
 * the module runs falls back to a plain require.
 */

export type CodeCacheOutcome =
  /** Loaded with code from the cache. */
  | "used"
  /** Loaded without it (none yet, or refused); it is written when the process exits. */
  | "made"
  /** Node's own compile cache is on instead. */
  | "node"
  /** Not loaded here: switched off, not a file under node_modules, or something failed. */
  | "skipped";

const CACHE_FOLDER = join(".cache", "prosper", "code-cache");
/** The entry's header: the checksums of its key and of its code; then the code. */
const HEADER_BYTES = 8;
/** Larger than any entry for TypeScript (a few MB): a file this large is not one. */
const LARGEST_ENTRY = 64 * 1024 * 1024;
/** A temporary file older than this is a writer's that died. */
const ABANDONED_MS = 60_000;

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
  let keySum: number;
  let source: string;
  try {
    const bytes = readFileSync(filename);
    const { size, mtimeMs } = statSync(filename);
    const key = [filename, crc32(bytes).toString(16), size, Math.round(mtimeMs), process.version, process.arch];
    keySum = crc32(key.join("\0"));
    // The path's checksum in the name too: two copies of the file (two ts-morph versions) keep theirs.
    cacheFile = join(folder, `${crc32(filename).toString(16)}-${keySum.toString(16)}.bin`);
    source = bytes.toString("utf8");
  } catch {
    return "skipped";
  }
  const { code: cachedData, replaceable } = readEntry(cacheFile, keySum);
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
    // Written at exit: by then it holds the functions this run compiled too, not only the top
    // level. Not where it cannot be written (a read-only install): making the code costs time.
    if (!used && replaceable && canWriteIn(folder)) process.once("exit", () => save(script, keySum, cacheFile));
    else sweep(cacheFile);
    return used ? "used" : "made";
  } catch {
    if (require.cache[filename] === module) delete require.cache[filename];
    return "skipped";
  }
}

/**
 * The entry's code, if it is a file made for this key and its code's checksum holds; and whether
 * a new entry may replace what is there (not a folder, a pipe or a device: never read, kept).
 */
function readEntry(cacheFile: string, keySum: number): { code?: Buffer; replaceable: boolean } {
  let descriptor: number;
  try {
    // Not blocking: a named pipe put there would wait for a writer for ever.
    descriptor = openSync(cacheFile, fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0));
  } catch {
    return { replaceable: true };
  }
  try {
    const found = fstatSync(descriptor);
    if (!found.isFile()) return { replaceable: false };
    if (found.size <= HEADER_BYTES || found.size > LARGEST_ENTRY) return { replaceable: true };
    const entry = readFileSync(descriptor);
    const code = entry.subarray(HEADER_BYTES);
    const whole = entry.readUInt32BE(0) === keySum && entry.readUInt32BE(4) === crc32(code);
    return whole ? { code, replaceable: true } : { replaceable: true };
  } catch {
    return { replaceable: true };
  } finally {
    closeSync(descriptor);
  }
}

/** Writes the script's code as the entry for its key, whole or not at all. */
function save(script: Script, keySum: number, cacheFile: string): void {
  const temporary = `${cacheFile}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
  try {
    const code = script.createCachedData();
    const header = Buffer.alloc(HEADER_BYTES);
    header.writeUInt32BE(keySum, 0);
    header.writeUInt32BE(crc32(code), 4);
    writeFileSync(temporary, Buffer.concat([header, code]));
    renameSync(temporary, cacheFile);
  } catch {
    // A cache that cannot be written costs the next run its time, nothing else.
  } finally {
    rmSync(temporary, { force: true });
  }
  sweep(cacheFile);
}

/** Removes the file's older entries and the temporary files of writers that died. */
function sweep(cacheFile: string): void {
  const folder = dirname(cacheFile);
  let entries: string[] = [];
  try {
    entries = readdirSync(folder);
  } catch {
    return;
  }
  const now = Date.now();
  // Entries are named by their file's path first: another file's (another ts-morph) stay.
  const sameFile = `${basename(cacheFile).split("-")[0]}-`;
  for (const entry of entries) {
    const path = join(folder, entry);
    try {
      const older = entry.endsWith(".bin") && entry.startsWith(sameFile) && path !== cacheFile;
      if (older || (entry.endsWith(".tmp") && now - statSync(path).mtimeMs > ABANDONED_MS))
        rmSync(path, { force: true });
    } catch {
      // In use (Windows), or gone already: left for a later run.
    }
  }
}
