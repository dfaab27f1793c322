import { createRequire } from "node:module";
import { preloadWithCodeCache } from "./code-cache.js";

/**
 * The compiler's heavy dependencies, loaded when first used rather than when the CLI starts:
 * TypeScript alone takes about 0.4 s to load, longer than a compile with nothing changed should
 * take in all (that one only hashes files). Types come from `import type` where they are used.
 */
const require = createRequire(import.meta.url);

let tsMorphModule: typeof import("ts-morph") | undefined;
let prettierModule: typeof import("prettier") | undefined;
let esbuildModule: typeof import("esbuild") | undefined;

let codeCache = false;

/**
 * TypeScript is then loaded through V8's code cache (see code-cache.ts): for the CLI, whose every
 * run loads it anew. Tests and other hosts load it plainly.
 */
export function useCodeCache(): void {
  codeCache = true;
}

export const tsMorph = (): typeof import("ts-morph") => {
  if (tsMorphModule) return tsMorphModule;
  if (codeCache) {
    try {
      // The copy of TypeScript that ts-morph's common package requires, resolved as it resolves it.
      const common = createRequire(require.resolve("ts-morph")).resolve("@ts-morph/common");
      preloadWithCodeCache(createRequire(common).resolve("./typescript"));
    } catch {
      // Loaded plainly below.
    }
  }
  return (tsMorphModule = require("ts-morph") as typeof import("ts-morph"));
};
export const typescript = (): typeof import("ts-morph").ts => tsMorph().ts;
export const prettier = (): typeof import("prettier") =>
  (prettierModule ??= require("prettier") as typeof import("prettier"));
export const esbuild = (): typeof import("esbuild") =>
  (esbuildModule ??= require("esbuild") as typeof import("esbuild"));
