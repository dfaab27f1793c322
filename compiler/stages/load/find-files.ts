import { readdirSync, realpathSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import { byCodeUnits } from "../../order.js";
import { stageCodes } from "../../diagnostics/codes.js";

/** Extensions of definition files: TypeScript in each of its module flavours. */
export const definitionExtensions = [".ts", ".mts", ".cts", ".tsx"] as const;
const declarationFile = /\.d\.[cm]?ts$|\.d\.[^.]+\.ts$/;
const scriptFile = /\.[cm]?jsx?$/;

export interface FoundFiles {
  /** Absolute paths, ordered by their path relative to the definitions folder. */
  readonly files: readonly string[];
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * The definition files under `directory`, recursively. Hidden folders and node_modules are
 * skipped; a symbolic link is followed only when it leads to a file or folder inside the
 * definitions folder that is not listed already (so nothing is compiled twice); one that
 * dangles, loops or leads outside is an error, as is a JavaScript file (definitions are typed).
 */
export function findDefinitionFiles(root: string, directory: string, outDir?: string): FoundFiles {
  const diagnostics: Diagnostic[] = [];
  const found: { path: string; key: string }[] = [];
  const realRoot = realpathSync(directory);
  const seen = new Set<string>([realRoot]);
  const relativePath = (path: string) => relative(root, path).split(sep).join("/");
  const problem = (path: string, message: string) =>
    diagnostics.push({
      code: stageCodes.files,
      severity: "error",
      message,
      span: { file: relativePath(path), start: 0, length: 0 },
    });

  // The compiler's own output, when it is written inside the definitions folder, is not input.
  const output = outDir === undefined ? undefined : join(root, outDir);
  const visit = (folder: string) => {
    const entries = readdirSync(folder, { withFileTypes: true }).sort((a, b) => byCodeUnits(a.name, b.name));
    for (const entry of entries) {
      if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
      const path = join(folder, entry.name);
      let real = path;
      let isDirectory = entry.isDirectory();
      if (entry.isSymbolicLink()) {
        try {
          real = realpathSync(path);
          isDirectory = statSync(real).isDirectory();
        } catch (error) {
          const code = (error as { code?: string }).code;
          problem(
            path,
            code === "ELOOP"
              ? "this symbolic link leads round in a loop; remove it"
              : "this symbolic link leads nowhere (its target does not exist); remove it or restore the target",
          );
          continue;
        }
        if (real !== realRoot && !real.startsWith(realRoot + sep)) {
          problem(
            path,
            `this symbolic link leads outside the definitions folder (to ${relativePath(real)}); definitions live inside it: move the file in, or import it from a definition file`,
          );
          continue;
        }
        if (isDirectory && (path + sep).startsWith(real + sep)) {
          problem(path, "this symbolic link leads back to a folder that holds it, a loop; remove it");
          continue;
        }
      }
      if (seen.has(real)) continue;
      seen.add(real);
      if (isDirectory && path === output) continue;
      if (isDirectory) {
        visit(path);
      } else if (definitionExtensions.some((extension) => entry.name.endsWith(extension))) {
        if (!declarationFile.test(entry.name)) found.push({ path, key: relativePath(path) });
      } else if (scriptFile.test(entry.name)) {
        problem(
          path,
          `definitions are TypeScript files (${definitionExtensions.join(", ")}); rename this file, or move it out of the definitions folder if it is not a definition`,
        );
      }
    }
  };
  visit(directory);
  return { files: found.sort((a, b) => byCodeUnits(a.key, b.key)).map((file) => file.path), diagnostics };
}
