import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { jsonFolders, type OutputFile } from "./emit.js";

export type FileStatus = "written" | "unchanged" | "removed";

export interface FileChange {
  readonly path: string;
  readonly status: FileStatus;
}

/**
 * What writing `files` would change under `outDir`: each file written or unchanged, and the files
 * the compiler owns there (the accessor module, JSON of definitions since removed) that would go.
 */
export async function plan(root: string, outDir: string, files: readonly OutputFile[]): Promise<FileChange[]> {
  const changes = await Promise.all(
    files.map(async (file): Promise<FileChange> => {
      const current = await readFile(join(root, file.path), "utf8").catch(() => undefined);
      return { path: file.path, status: current === file.content ? "unchanged" : "written" };
    }),
  );
  const wanted = new Set(files.map((file) => file.path));
  for (const folder of Object.values(jsonFolders)) {
    const entries = await readdir(join(root, outDir, folder)).catch(() => [] as string[]);
    for (const entry of entries.sort()) {
      const path = `${outDir}/${folder}/${entry}`;
      if (entry.endsWith(".json") && !wanted.has(path)) changes.push({ path, status: "removed" });
    }
  }
  return changes;
}

/**
 * Applies a plan. Every new file is first written beside its target and only then renamed into
 * place, so a failure part-way (disk full, say) leaves every target as it was.
 */
export async function apply(root: string, files: readonly OutputFile[], changes: readonly FileChange[]): Promise<void> {
  const content = new Map(files.map((file) => [file.path, file.content]));
  const suffix = `.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const staged: { temporary: string; target: string }[] = [];
  try {
    for (const change of changes) {
      if (change.status !== "written") continue;
      const target = join(root, change.path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target + suffix, content.get(change.path)!);
      staged.push({ temporary: target + suffix, target });
    }
  } catch (error) {
    await Promise.all(staged.map(({ temporary }) => rm(temporary, { force: true })));
    throw error;
  }
  for (const { temporary, target } of staged) await rename(temporary, target);
  for (const change of changes) if (change.status === "removed") await rm(join(root, change.path), { force: true });
}
