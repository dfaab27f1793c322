import { detect } from "#detect-environment";
import type { Environment, ResolvedEnvironment } from "./environment-facts.js";

export type { Environment, ResolvedEnvironment } from "./environment-facts.js";

let detected: ResolvedEnvironment | undefined;

/** The environment with the given `overrides` applied; detection runs once per process, as none of it changes. */
export function resolveEnvironment(overrides: Environment): ResolvedEnvironment {
  const found = (detected ??= detect());
  return {
    runtime: overrides.runtime ?? found.runtime,
    runtimeVersion: overrides.runtimeVersion ?? found.runtimeVersion,
    hostname: overrides.hostname ?? found.hostname,
    sessionRandom: overrides.sessionRandom ?? found.sessionRandom,
  };
}
