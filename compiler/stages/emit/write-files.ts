import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { rm, rmdir, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { Worker } from "node:worker_threads";
import { isAlive } from "../../process-alive.js";
import { canWriteIn } from "../../writable-folder.js";
import { generatedMark } from "./accessors.js";
import { accessorFiles, jsonFolders, type OutputFile } from "./emit.js";

/** `blocked`: a file is there that the compiler did not write, so it will not overwrite it. */
export type FileStatus = "written" | "unchanged" | "removed" | "blocked";

export interface FileChange {
  readonly path: string;
  readonly status: FileStatus;
}

/**
 * What writing `files` would change under `outDir`: each file written or unchanged, and the files
 * the compiler owns there that would go (JSON of definitions since removed, the accessor module
 * of another output format).
 *
 * The reads are synchronous on purpose: a thousand small files read one after another take a few
 * milliseconds, where `fs.promises.readFile` (an open, a stat, a read and a close, each a trip to
 * libuv's four threads) takes ten times that.
 */
export function plan(root: string, outDir: string, files: readonly OutputFile[], pyofDir?: string): FileChange[] {
  const textOf = (path: string) => {
    try {
      return readFileSync(join(root, path), "utf8");
    } catch {
      return undefined;
    }
  };
  const changes = files.map((file): FileChange => {
    const current = textOf(file.path);
    if (current === file.content) return { path: file.path, status: "unchanged" };
    const ours =
      current === undefined || current.startsWith(generatedMark) || isDocument(current) || isPyofFile(current);
    return { path: file.path, status: ours ? "written" : "blocked" };
  });
  const wanted = new Set(files.map((file) => file.path));
  // Only what the compiler wrote is its to remove: a file of the user's that happens to sit there stays.
  const removable = (path: string, generated: (text: string) => boolean) =>
    !wanted.has(path) && generated(textOf(path) ?? "");
  for (const name of accessorFiles) {
    const path = `${outDir}/${name}`;
    if (removable(path, (text) => text.startsWith(generatedMark))) changes.push({ path, status: "removed" });
  }
  const jsonFiles = [
    ...Object.values(jsonFolders).map((folder) => ({ folder: `${outDir}/${folder}`, ours: isDocument })),
    ...(pyofDir === undefined ? [] : [{ folder: pyofDir, ours: isPyofFile }]),
  ];
  for (const { folder, ours } of jsonFiles) {
    let entries: string[];
    try {
      entries = readdirSync(join(root, folder));
    } catch {
      entries = [];
    }
    for (const entry of entries.sort()) {
      const path = `${folder}/${entry}`;
      if (entry.endsWith(".json") && removable(path, ours)) changes.push({ path, status: "removed" });
    }
  }
  return changes;
}

/** Whether a JSON file is a document prosper wrote: a definition of either kind, with a format version. */
function isDocument(text: string): boolean {
  try {
    const json = JSON.parse(text) as { formatVersion?: unknown; kind?: unknown };
    return typeof json.formatVersion === "number" && (json.kind === "experiment" || json.kind === "feature");
  } catch {
    return false;
  }
}

/** Whether a JSON file is one of PyOF's feature files, which `--pyof` writes. */
function isPyofFile(text: string): boolean {
  try {
    return (JSON.parse(text) as { type?: unknown }).type === "offline-feature";
  } catch {
    return false;
  }
}

const stagingPrefix = "prosper-staging-";

/**
 * Where new files wait before they are renamed into place: outside the output folder, so a killed
 * compile leaves nothing in it, and on its file system, so that the rename is one step.
 */
function stagingParent(root: string, outDir: string): string {
  const device = (path: string) => statSync(path).dev;
  const outParent = dirname(join(root, outDir));
  mkdirSync(outParent, { recursive: true });
  const [cache, beside] = stagingParents(root, outDir);
  if (existsSync(join(root, "node_modules")) && canWriteIn(cache) && device(cache) === device(outParent)) return cache;
  return beside;
}

/** Where staging folders go: under node_modules/.cache/prosper, or beside the output folder. */
export const stagingParents = (root: string, outDir: string) =>
  [join(root, "node_modules/.cache/prosper"), join(dirname(join(root, outDir)), ".prosper-staging")] as const;

/** Staging folders of compiles that were killed: their process is gone. */
function sweepAbandoned(parent: string): void {
  let entries: string[];
  try {
    entries = readdirSync(parent);
  } catch {
    return; // None there (or not a folder).
  }
  for (const entry of entries) {
    const pid = Number(entry.startsWith(stagingPrefix) ? entry.slice(stagingPrefix.length).split("-")[0] : NaN);
    if (Number.isInteger(pid) && pid !== process.pid && !isAlive(pid))
      rmSync(join(parent, entry), { recursive: true, force: true });
  }
}

/** A plan's new files, being written to a staging folder: `commit` puts them in place. */
export interface Staging {
  /** Settles when every file is staged; rejects when one cannot be (disk full, say). */
  readonly ready: Promise<void>;
  /** Renames the staged files into place, the JSON first and the accessor module last, then removes what goes. */
  commit(): void;
  /** Removes the staging folder, committed or not. */
  close(): Promise<void>;
}

/**
 * Starts writing a plan's new files, each in full, to a staging folder outside `outDir`, off this
 * thread (on libuv's threads, or many by a thread of their own): a compile stages its output while
 * the type checker works, and commits it only if the checker finds no error. Nothing under
 * `outDir` changes before `commit`.
 */
export function stage(
  root: string,
  outDir: string,
  files: readonly OutputFile[],
  changes: readonly FileChange[],
): Staging {
  const content = new Map(files.map((file) => [file.path, file.content]));
  const written = changes.filter((change) => change.status === "written").map((change) => change.path);
  const parent = stagingParent(root, outDir);
  // In both places: a compile killed while it staged in the other one (before node_modules could
  // be written, say) left its folder there.
  for (const place of stagingParents(root, outDir)) sweepAbandoned(place);
  const staging = join(parent, `${stagingPrefix}${process.pid}-${randomBytes(4).toString("hex")}`);
  // Staged flat, by number and file name, not by path: an output folder outside the project
  // ("../shared/generated") would otherwise lead a staged path out of the staging folder, over
  // whatever is there. The name keeps a name the file system refuses failing here, not in commit.
  const staged = (index: number) => join(staging, `${index}-${basename(written[index]!)}`);
  const ready = (async () => {
    mkdirSync(staging, { recursive: true });
    if (written.length < MANY_FILES)
      await Promise.all(written.map((path, index) => writeFile(staged(index), content.get(path)!)));
    else await writeOneByOne(written.map((path, index) => [staged(index), content.get(path)!]));
  })();
  ready.catch(() => undefined);
  return {
    ready,
    commit() {
      const indices = written.map((_, index) => index);
      const jsonFirst = [
        ...indices.filter((index) => written[index]!.endsWith(".json")),
        ...indices.filter((index) => !written[index]!.endsWith(".json")),
      ];
      for (const folder of new Set(written.map((path) => dirname(join(root, path)))))
        mkdirSync(folder, { recursive: true });
      for (const index of jsonFirst) moveInto(staged(index), join(root, written[index]!));
      for (const change of changes) if (change.status === "removed") rmSync(join(root, change.path), { force: true });
    },
    async close() {
      await ready.catch(() => undefined);
      await rm(staging, { recursive: true, force: true });
      // The staging folder beside the output goes too, unless another compile is using it.
      await rmdir(parent).catch(() => undefined);
    },
  };
}

/** From how many new files on, they are written by a thread of their own, one after another. */
const MANY_FILES = 64;

/**
 * Writes the files one after another on a thread of its own. Given all at once, libuv's four
 * threads create them four at a time in the same folder, and on some file systems (ext4 without a
 * journal: each new inode skips those deleted in the last minute) each creation holds the
 * folder's lock long enough that the other three spin on it, taking the core the type checker
 * needs. One thread is not slower: the creations could not overlap anyway.
 */
function writeOneByOne(files: readonly (readonly [path: string, content: string])[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const writer = new Worker(
      `const { workerData } = require("node:worker_threads");
const { writeFileSync } = require("node:fs");
for (const [path, content] of workerData) writeFileSync(path, content);`,
      { eval: true, workerData: files },
    );
    writer.once("error", reject);
    writer.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`the thread writing the staged files stopped with code ${code}`)),
    );
  });
}

/**
 * Applies a plan: every new file is first staged (see `stage`); only then are they renamed into
 * place, in one synchronous run, then the removals. A failure while staging leaves `outDir`
 * exactly as it was.
 */
export async function apply(
  root: string,
  outDir: string,
  files: readonly OutputFile[],
  changes: readonly FileChange[],
  staged?: Staging,
): Promise<void> {
  const staging = staged ?? stage(root, outDir, files, changes);
  try {
    await staging.ready;
    staging.commit();
  } finally {
    await staging.close();
  }
}

/** Renames `from` onto `to`; across file systems, copies beside `to` first so the last step is still a rename. */
function moveInto(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (error) {
    if ((error as { code?: string }).code !== "EXDEV") throw error;
    const beside = `${to}.${process.pid}.tmp`;
    copyFileSync(from, beside);
    renameSync(beside, to);
  }
}
