import { createHash, randomBytes } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { Diagnostic } from "./diagnostics/diagnostic.js";
import { isAlive } from "./process-alive.js";

/**
 * The no-change cache: what the last successful compile read (every input file, by content
 * hash) and wrote (every output file, by content hash), so that a compile whose inputs are all
 * unchanged only has to confirm that the output on disk is still what it wrote, without type
 * checking, running or formatting anything.
 *
 * It cannot make a compile lie: a hit needs every recorded input to hash the same (definitions,
 * every file they import, prosper's own sources and node_modules files they reach, the tsconfig),
 * the same options, compiler and prettier config, and every output file to be on disk with the
 * recorded bytes, with no extra file where the compiler would remove one, and every folder that
 * holds an input to list the same names. Anything else is a miss and a full compile. What a
 * definition reads on its own while it runs (environment variables, the clock, other files) is
 * not seen: `--no-cache` is for definitions that do. It lives in node_modules/.cache/prosper/, never in the output folder.
 */

export interface CacheRecord {
  /** The project root: first in the file, so that a sweep can tell a gone project's record cheaply. */
  readonly root: string;
  readonly key: string;
  /** The definition files, absolute, in compile order. */
  readonly definitionFiles: readonly string[];
  /** Every input file (absolute) and the hash of its content. */
  readonly inputs: Readonly<Record<string, string>>;
  /**
   * The names in each folder that holds an input outside node_modules, hashed: a file added
   * beside an import can change what it resolves to (`x.js` beside `x.ts`), which no input's own
   * hash shows.
   */
  readonly folders: Readonly<Record<string, string>>;
  /** Every output file (relative to the root) and the hash of its content. */
  readonly outputs: Readonly<Record<string, string>>;
  /** Folders (relative) where the compiler removes JSON files it no longer writes. */
  readonly ownedFolders: readonly string[];
  /** Accessor files (relative) the compiler removes when another format writes them. */
  readonly ownedFiles: readonly string[];
  /** What the compile reported, to report again. */
  readonly summary: {
    readonly diagnostics: readonly Diagnostic[];
    readonly definitionFiles: readonly string[];
    readonly experiments: number;
    readonly features: number;
    readonly output: string;
    readonly inputs: readonly string[];
    readonly pyofSkipped: readonly { readonly name: string; readonly why: string }[];
  };
}

export const hashText = (text: string | Buffer) => createHash("sha256").update(text).digest("hex");

/** A file's hash as text, as TypeScript reads it (without a byte order mark); undefined when it cannot be read. */
export const hashFile = (path: string): string | undefined => {
  try {
    return hashText(readFileSync(path, "utf8").replace(/^\uFEFF/, ""));
  } catch {
    return undefined;
  }
};

let fingerprint: string | undefined;

/**
 * What identifies this compiler: its version, the code it runs (this bundle or module and the
 * child's entry), and the versions of the packages that shape its output.
 */
export function compilerFingerprint(childEntry: string): string {
  if (fingerprint) return fingerprint;
  const require = createRequire(import.meta.url);
  const version = (name: string) => {
    try {
      return (require(`${name}/package.json`) as { version?: string }).version ?? "?";
    } catch {
      return "?";
    }
  };
  const self = fileURLToPath(import.meta.url);
  // Bundled (the CLI), this file holds the whole compiler; run from its TypeScript sources (the
  // repository's tests), the compiler is every source file beside it.
  const code = self.endsWith(".ts") ? sourceFiles(dirname(self)) : [self, childEntry];
  const parts = [
    ...["prosper", "prosper-runtime", "ts-morph", "typescript", "prettier", "esbuild", "recheck"].map(version),
    ...code.map((file) => `${file} ${hashFile(file) ?? ""}`),
  ];
  return (fingerprint = hashText(parts.join("\n")));
}

function sourceFiles(folder: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.isDirectory() && entry.name !== "dist" && entry.name !== "node_modules")
      found.push(...sourceFiles(join(folder, entry.name)));
    else if (entry.isFile() && entry.name.endsWith(".ts")) found.push(join(folder, entry.name));
  }
  return found;
}

/** Where a project's record lives, or undefined when it has no node_modules to keep it in. */
export function recordPath(root: string, identity: string): string | undefined {
  const modules = join(root, "node_modules");
  if (!existsSync(modules)) return undefined;
  return join(modules, ".cache/prosper", `compile-${hashText(identity).slice(0, 24)}.json`);
}

export function readRecord(path: string | undefined, key: string): CacheRecord | undefined {
  if (!path) return undefined;
  try {
    const record = JSON.parse(readFileSync(path, "utf8")) as CacheRecord;
    return record.key === key ? record : undefined;
  } catch {
    return undefined;
  }
}

/** Input files whose content is not what the record says (or that are gone). */
export function changedInputs(record: CacheRecord): string[] {
  return Object.entries(record.inputs)
    .filter(([path, hash]) => hashFile(path) !== hash)
    .map(([path]) => path);
}

const listingHash = (folder: string): string => {
  try {
    return hashText(readdirSync(folder).sort().join("\n"));
  } catch {
    return "";
  }
};

/** The listing hash of each folder holding one of `inputs`, packages' folders left out (their files are pinned by content). */
export function folderListings(inputs: Iterable<string>): Record<string, string> {
  const listings: Record<string, string> = {};
  for (const path of inputs) {
    const folder = dirname(path);
    if (!(folder in listings) && !folder.split(sep).includes("node_modules")) listings[folder] = listingHash(folder);
  }
  return listings;
}

/** Folders whose names are not what the record says: a file came or went beside an input. */
export function changedFolders(record: CacheRecord): string[] {
  return Object.entries(record.folders ?? {})
    .filter(([folder, hash]) => listingHash(folder) !== hash)
    .map(([folder]) => folder);
}

/** Whether the output on disk is exactly what the record says was written, and nothing more. */
export function outputsIntact(root: string, record: CacheRecord): boolean {
  for (const [path, hash] of Object.entries(record.outputs)) if (hashFile(join(root, path)) !== hash) return false;
  for (const path of record.ownedFiles) if (!(path in record.outputs) && existsSync(join(root, path))) return false;
  for (const folder of record.ownedFolders) {
    let entries: string[];
    try {
      entries = readdirSync(join(root, folder));
    } catch {
      continue;
    }
    // A JSON file the compile would have removed (or one of the user's, which a full compile sorts out).
    if (entries.some((entry) => entry.endsWith(".json") && !(`${folder}/${entry}` in record.outputs))) return false;
  }
  return true;
}

/** Writes the record whole or not at all: a temporary file beside it, renamed over it. */
export function writeRecord(path: string | undefined, record: CacheRecord): void {
  if (!path) return;
  const folder = join(path, "..");
  try {
    mkdirSync(folder, { recursive: true });
    sweepTemporaries(folder);
    sweepGoneProjects(folder, path);
    const temporary = `${path}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
    try {
      writeFileSync(temporary, JSON.stringify(record));
      renameSync(temporary, path);
    } finally {
      rmSync(temporary, { force: true });
    }
  } catch {
    // The cache only saves time: a compile that cannot write it has still compiled.
  }
}

/** Removes the record, so that the next compile is a full one. */
export function dropRecord(path: string | undefined): void {
  if (path) rmSync(path, { force: true });
}

/** Temporary records of compiles that were killed between writing and renaming. */
function sweepTemporaries(folder: string): void {
  for (const entry of readdirSync(folder)) {
    const match = /^compile-[0-9a-f]+\.json\.(\d+)-[0-9a-f]+\.tmp$/.exec(entry);
    if (match && Number(match[1]) !== process.pid && !isAlive(Number(match[1])))
      rmSync(join(folder, entry), { force: true });
  }
}

/**
 * Records of projects whose root is gone (a temporary project, a deleted checkout): the cache
 * folder is shared by every project that links this node_modules, so each write tidies it.
 */
function sweepGoneProjects(folder: string, own: string): void {
  const head = Buffer.alloc(4096);
  for (const entry of readdirSync(folder)) {
    const path = join(folder, entry);
    if (!/^compile-[0-9a-f]+\.json$/.test(entry) || path === own) continue;
    try {
      const descriptor = openSync(path, "r");
      let length: number;
      try {
        length = readSync(descriptor, head, 0, head.length, 0);
      } finally {
        closeSync(descriptor);
      }
      const root = /^\{"root":("(?:[^"\\]|\\.)*")/.exec(head.toString("utf8", 0, length))?.[1];
      if (root !== undefined && !existsSync(JSON.parse(root) as string)) rmSync(path, { force: true });
    } catch {
      // Another compile's record, being replaced: left for the next sweep.
    }
  }
}
