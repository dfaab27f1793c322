import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { mkdir, readdir, readFile, rm, rmdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { isAlive } from "../../process-alive.js";
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
 */
export async function plan(
  root: string,
  outDir: string,
  files: readonly OutputFile[],
  pyofDir?: string,
): Promise<FileChange[]> {
  const changes = await Promise.all(
    files.map(async (file): Promise<FileChange> => {
      const current = await readFile(join(root, file.path), "utf8").catch(() => undefined);
      if (current === file.content) return { path: file.path, status: "unchanged" };
      const ours =
        current === undefined || current.startsWith(generatedMark) || isDocument(current) || isPyofFile(current);
      return { path: file.path, status: ours ? "written" : "blocked" };
    }),
  );
  const wanted = new Set(files.map((file) => file.path));
  // Only what the compiler wrote is its to remove: a file of the user's that happens to sit there stays.
  const removable = async (path: string, generated: (text: string) => boolean) =>
    !wanted.has(path) && generated((await readFile(join(root, path), "utf8").catch(() => undefined)) ?? "");
  for (const name of accessorFiles) {
    const path = `${outDir}/${name}`;
    if (await removable(path, (text) => text.startsWith(generatedMark))) changes.push({ path, status: "removed" });
  }
  const jsonFiles = [
    ...Object.values(jsonFolders).map((folder) => ({ folder: `${outDir}/${folder}`, ours: isDocument })),
    ...(pyofDir === undefined ? [] : [{ folder: pyofDir, ours: isPyofFile }]),
  ];
  for (const { folder, ours } of jsonFiles) {
    const entries = await readdir(join(root, folder)).catch(() => [] as string[]);
    for (const entry of entries.sort()) {
      const path = `${folder}/${entry}`;
      if (entry.endsWith(".json") && (await removable(path, ours))) changes.push({ path, status: "removed" });
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
  const modules = join(root, "node_modules");
  if (existsSync(modules) && device(modules) === device(outParent)) return join(modules, ".cache/prosper");
  return join(outParent, ".prosper-staging");
}

/** Staging folders of compiles that were killed: their process is gone. */
function sweepAbandoned(parent: string): void {
  for (const entry of existsSync(parent) ? readdirSync(parent) : []) {
    const pid = Number(entry.startsWith(stagingPrefix) ? entry.slice(stagingPrefix.length).split("-")[0] : NaN);
    if (Number.isInteger(pid) && pid !== process.pid && !isAlive(pid))
      rmSync(join(parent, entry), { recursive: true, force: true });
  }
}

/**
 * Applies a plan. Every new file is first written in full to a staging folder outside `outDir`;
 * only then are they renamed into place, in one synchronous run: the JSON first and the accessor
 * module last, so the module never imports a file not yet written, then the removals. A failure
 * while staging (disk full, say) leaves `outDir` exactly as it was.
 */
export async function apply(
  root: string,
  outDir: string,
  files: readonly OutputFile[],
  changes: readonly FileChange[],
): Promise<void> {
  const content = new Map(files.map((file) => [file.path, file.content]));
  const written = changes.filter((change) => change.status === "written").map((change) => change.path);
  const parent = stagingParent(root, outDir);
  sweepAbandoned(parent);
  const staging = join(parent, `${stagingPrefix}${process.pid}-${randomBytes(4).toString("hex")}`);
  try {
    for (const path of written) {
      await mkdir(dirname(join(staging, path)), { recursive: true });
      await writeFile(join(staging, path), content.get(path)!);
    }
    const jsonFirst = [
      ...written.filter((path) => path.endsWith(".json")),
      ...written.filter((path) => !path.endsWith(".json")),
    ];
    for (const path of jsonFirst) {
      const target = join(root, path);
      mkdirSync(dirname(target), { recursive: true });
      moveInto(join(staging, path), target);
    }
    for (const change of changes) if (change.status === "removed") rmSync(join(root, change.path), { force: true });
  } finally {
    await rm(staging, { recursive: true, force: true });
    // The staging folder beside the output goes too, unless another compile is using it.
    await rmdir(parent).catch(() => undefined);
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
