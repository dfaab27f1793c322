import type { ResolvedEnvironment } from "./environment-facts.js";

interface Globals {
  process?: {
    versions?: { node?: string; bun?: string; deno?: string };
    getBuiltinModule?(id: string): { hostname?(): string } | undefined;
  };
  location?: { hostname?: string };
}

/**
 * The environment of any runtime. Bun and Deno (2+) both present node's `process`, with their
 * own entry in `versions`. Bundles for browsers get detect-environment.browser.ts instead.
 */
export function detect(): ResolvedEnvironment {
  const { process, location } = globalThis as Globals;
  const versions = process?.versions ?? {};
  let hostname: string | undefined;
  try {
    hostname = process!.getBuiltinModule!("os")!.hostname!();
  } catch {
    // No process (a browser), or Deno without --allow-sys: the page's hostname, if there is a page.
    hostname = location?.hostname;
  }
  return {
    runtime: versions.bun ? "bun" : versions.deno ? "deno" : versions.node ? "node" : "browser",
    runtimeVersion: versions.bun ?? versions.deno ?? versions.node,
    hostname,
    sessionRandom: Math.random(),
  };
}
