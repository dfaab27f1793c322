import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, resolve } from "node:path";

/**
 * Whether a tsconfig, and every config it extends, certainly sets no `customConditions`, read
 * without TypeScript (which takes a single compile about 0.2 s to load). Then esbuild can bundle
 * the definitions while TypeScript loads: the conditions are the one thing the run takes from the
 * tsconfig that esbuild does not read itself. False whenever unsure: a file that cannot be read
 * or parsed, an `extends` that does not resolve here, or the word anywhere, comments included.
 */
export function certainlyNoCustomConditions(tsconfigPath: string, depth = 0): boolean {
  if (depth > 16) return false;
  let text: string;
  try {
    text = readFileSync(tsconfigPath, "utf8");
  } catch {
    return false;
  }
  if (text.includes("customConditions")) return false;
  let config: unknown;
  try {
    config = JSON.parse(withoutCommentsAndTrailingCommas(text));
  } catch {
    return false;
  }
  if (typeof config !== "object" || config === null) return false;
  // Spelled with escapes, the name is past the search above; parsed, it is not.
  const options = (config as { compilerOptions?: unknown }).compilerOptions;
  if (typeof options === "object" && options !== null && "customConditions" in options) return false;
  const extended = (config as { extends?: unknown }).extends;
  if (extended === undefined) return true;
  const specifiers = Array.isArray(extended) ? extended : [extended];
  return specifiers.every((specifier) => {
    if (typeof specifier !== "string") return false;
    const path = resolveExtends(specifier, tsconfigPath);
    return path !== undefined && certainlyNoCustomConditions(path, depth + 1);
  });
}

/** Where an `extends` leads, as TypeScript finds it; undefined when unsure. */
function resolveExtends(specifier: string, from: string): string | undefined {
  if (specifier.startsWith(".") || isAbsolute(specifier)) {
    const path = resolve(dirname(from), specifier);
    if (existsSync(path) && !path.endsWith("/")) return path;
    return existsSync(`${path}.json`) ? `${path}.json` : undefined;
  }
  const require = createRequire(from);
  // TypeScript reads a package's "tsconfig" field and its exports with conditions of its own;
  // where a package has either, where it leads is not certain here.
  const name = specifier
    .split("/")
    .slice(0, specifier.startsWith("@") ? 2 : 1)
    .join("/");
  try {
    const manifest = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), "utf8")) as object;
    if ("tsconfig" in manifest || "exports" in manifest) return undefined;
  } catch {
    return undefined;
  }
  for (const candidate of [specifier, `${specifier}/tsconfig.json`, `${specifier}.json`]) {
    try {
      const path = require.resolve(candidate);
      if (path.endsWith(".json")) return path;
    } catch {
      // Not this one.
    }
  }
  return undefined;
}

/** JSON with comments and trailing commas (what tsconfig files allow) as plain JSON. */
export function withoutCommentsAndTrailingCommas(text: string): string {
  let out = "";
  let at = 0;
  while (at < text.length) {
    const char = text[at]!;
    if (char === '"') {
      // A string, escapes and all.
      let end = at + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      out += text.slice(at, end + 1);
      at = end + 1;
    } else if (char === "/" && text[at + 1] === "/") {
      while (at < text.length && text[at] !== "\n") at++;
    } else if (char === "/" && text[at + 1] === "*") {
      const end = text.indexOf("*/", at + 2);
      at = end < 0 ? text.length : end + 2;
      out += " ";
    } else if (char === ",") {
      // Dropped when only blanks and comments stand before the closing bracket.
      let next = at + 1;
      for (;;) {
        while (next < text.length && /\s/.test(text[next]!)) next++;
        if (text.startsWith("//", next)) while (next < text.length && text[next] !== "\n") next++;
        else if (text.startsWith("/*", next)) {
          const end = text.indexOf("*/", next + 2);
          next = end < 0 ? text.length : end + 2;
        } else break;
      }
      if (text[next] !== "}" && text[next] !== "]") out += char;
      at++;
    } else {
      out += char;
      at++;
    }
  }
  return out;
}
