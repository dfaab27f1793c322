import type { RuntimeName } from "./format.js";

/**
 * Facts about the process that attributes read. Each can be given explicitly (tests, or a
 * server that knows its public hostname better than the OS does); the rest are detected once.
 */
export interface Environment {
  // `| undefined` everywhere: under exactOptionalPropertyTypes an app may pass a value it has not got.
  readonly runtime?: RuntimeName | undefined;
  readonly runtimeVersion?: string | undefined;
  readonly hostname?: string | undefined;
  /** The per-process session random number, in [0, 1). */
  readonly sessionRandom?: number | undefined;
}

/** What attributes read: undefined where the runtime could not tell. */
export interface ResolvedEnvironment {
  readonly runtime: RuntimeName;
  readonly runtimeVersion?: string | undefined;
  readonly hostname: string | undefined;
  readonly sessionRandom: number;
}
