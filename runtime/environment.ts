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

interface Globals {
  Deno?: { version?: { deno?: string }; hostname?(): string };
  Bun?: { version?: string };
  process?: {
    versions?: { node?: string };
    getBuiltinModule?(id: string): { hostname?(): string } | undefined;
  };
  location?: { hostname?: string };
  document?: unknown;
}

/** What attributes read: undefined where the runtime could not tell. */
export interface ResolvedEnvironment {
  readonly runtime: RuntimeName;
  readonly runtimeVersion: string | undefined;
  readonly hostname: string | undefined;
  readonly sessionRandom: number;
}

let detected: ResolvedEnvironment | undefined;

/** The environment with `overrides` applied; detection runs once per process, as none of it changes. */
export function resolveEnvironment(overrides?: Environment): ResolvedEnvironment {
  detected ??= detect(globalThis as Globals);
  return overrides ? { ...detected, ...overrides } : detected;
}

function detect(g: Globals): ResolvedEnvironment {
  const [runtime, runtimeVersion] = g.Deno
    ? (["deno", g.Deno.version?.deno] as const)
    : g.Bun
      ? (["bun", g.Bun.version] as const)
      : g.process?.versions?.node
        ? (["node", g.process.versions.node] as const)
        : (["browser", undefined] as const);
  return {
    runtime,
    runtimeVersion,
    hostname: attempt(
      () => g.Deno?.hostname?.() ?? g.process?.getBuiltinModule?.("os")?.hostname?.() ?? g.location?.hostname,
    ),
    sessionRandom: Math.random(),
  };
}

// Deno without --allow-sys throws on hostname(); an unknown hostname only fails the classifiers that read it.
function attempt<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
