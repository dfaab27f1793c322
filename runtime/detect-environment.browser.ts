import type { ResolvedEnvironment } from "./environment-facts.js";

/** The environment in a browser, chosen by bundlers through the `browser` import condition. */
export function detect(): ResolvedEnvironment {
  return {
    runtime: "browser",
    hostname: (globalThis as { location?: { hostname?: string } }).location?.hostname,
    sessionRandom: Math.random(),
  };
}
