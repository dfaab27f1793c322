import { createRequire } from "node:module";

/**
 * The compiler's heavy dependencies, loaded when first used rather than when the CLI starts:
 * TypeScript alone takes about 0.4 s to load, longer than a compile with nothing changed should
 * take in all (that one only hashes files). Types come from `import type` where they are used.
 */
const require = createRequire(import.meta.url);

let tsMorphModule: typeof import("ts-morph") | undefined;
let prettierModule: typeof import("prettier") | undefined;
let esbuildModule: typeof import("esbuild") | undefined;

export const tsMorph = (): typeof import("ts-morph") =>
  (tsMorphModule ??= require("ts-morph") as typeof import("ts-morph"));
export const typescript = (): typeof import("ts-morph").ts => tsMorph().ts;
export const prettier = (): typeof import("prettier") =>
  (prettierModule ??= require("prettier") as typeof import("prettier"));
export const esbuild = (): typeof import("esbuild") =>
  (esbuildModule ??= require("esbuild") as typeof import("esbuild"));
