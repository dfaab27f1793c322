import { detect } from "#detect-environment";
import type { RuntimeName } from "./format.js";

/**
 * Facts about the process that attributes read. Each can be given explicitly (tests, or a
 * server that knows its public hostname better than the OS does); the rest are detected once.
 */
export interface Environment {
  readonly runtime?: RuntimeName;
  readonly runtimeVersion?: string;
  readonly hostname?: string;
  /** The per-process session random number, in [0, 1). */
  readonly sessionRandom?: number;
}

/** What attributes read: undefined where the runtime could not tell. */
export interface ResolvedEnvironment {
  readonly runtime: RuntimeName;
  readonly runtimeVersion?: string | undefined;
  readonly hostname: string | undefined;
  readonly sessionRandom: number;
}

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
