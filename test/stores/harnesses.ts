import { existsSync } from "node:fs";
import { mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, beforeEach } from "vitest";
import type { OpenedStore, RunningServer, StoreHarness } from "./harness.js";
import * as memory from "./memory-harness.js";

/** What a harness module exports (test/stores/harness.ts describes the contract). */
export interface HarnessModule {
  readonly harness: StoreHarness;
  openStore(connection: unknown, namespace: string): Promise<OpenedStore>;
  /** Set by a kind with no server (memory): why the multi-process and outage suites leave it out. */
  readonly noServer?: string;
}

export interface HarnessEntry {
  readonly kind: string;
  /** The harness module's source file, which a child process's bundle takes `openStore` from. */
  readonly module: string;
  readonly harness: StoreHarness;
  readonly noServer?: string | undefined;
}

const here = fileURLToPath(new URL(".", import.meta.url));

/** The kinds whose store talks to a server, each in `<kind>-harness.ts` once it is written. */
const SERVER_KINDS = ["redis", "postgres"] as const;

const entry = (kind: string, module: string, loaded: HarnessModule): HarnessEntry => ({
  kind,
  module,
  harness: loaded.harness,
  noServer: loaded.noServer,
});

const load = async (kind: string): Promise<HarnessEntry> => {
  const module = join(here, `${kind}-harness.ts`);
  // A computed specifier, so that the type checker does not require modules that are not written yet.
  const loaded = (await import(pathToFileURL(module).href)) as HarnessModule;
  return entry(kind, module, loaded);
};

/** Every store the suites run for: memory, then each server kind whose harness module exists. */
export const harnesses: readonly HarnessEntry[] = [
  entry("memory", join(here, "memory-harness.ts"), memory),
  ...(await Promise.all(SERVER_KINDS.filter((kind) => existsSync(join(here, `${kind}-harness.ts`))).map(load))),
];

const missing = SERVER_KINDS.filter((kind) => !harnesses.some((harness) => harness.kind === kind));
if (missing.length)
  console.warn(`store suites: no harness module for ${missing.join(", ")} (test/stores/<kind>-harness.ts): not run`);

let namespaces = 0;

/**
 * A namespace no other test uses, valid as a Redis key prefix and as a PostgreSQL schema name:
 * lower-case letters, digits and underscores, under 63 characters.
 */
export function freshNamespace(label: string): string {
  const unique = `${process.pid.toString(36)}_${(namespaces++).toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  return `${label.replace(/[^a-z0-9]/g, "_").slice(0, 24)}_${unique}`;
}

const LOCK = join(tmpdir(), "prosper-store-suites.lock");

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

/**
 * Waits until no other store suite's heavy tests run, in any process, and gives what ends the
 * wait for the next one. The concurrency test runs 16 processes on a machine that may have two
 * cores; the outage test measures latencies. Run at once (vitest runs test files in parallel),
 * each would measure the other's load.
 */
export async function exclusive(): Promise<() => Promise<void>> {
  // The lock is a folder holding its owner's pid, renamed into place whole so that it is never seen without one.
  const taking = await mkdtemp(LOCK + "-");
  await writeFile(join(taking, "pid"), String(process.pid));
  for (;;) {
    try {
      await rename(taking, LOCK);
      return () => rm(LOCK, { recursive: true, force: true });
    } catch (error) {
      if (!["EEXIST", "ENOTEMPTY"].includes((error as NodeJS.ErrnoException).code ?? "")) throw error;
      const owner = Number(await readFile(join(LOCK, "pid"), "utf8").catch(() => "0"));
      if (owner && !alive(owner)) await rm(LOCK, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/**
 * For the suite being declared: `harness`'s server, started once the machine-wide lock is held
 * (see `exclusive`) and stopped, and the lock released, when the suite ends. Where the server is not
 * installed, a loud SKIPPED line and every test of the suite skipped. `ready` runs once it is up.
 */
export function exclusiveServer(
  { kind, harness }: Pick<HarnessEntry, "kind" | "harness">,
  suite: string,
  ready: (server: RunningServer) => Promise<void> = async () => {},
): () => RunningServer {
  let server: RunningServer | undefined;
  let release: (() => Promise<void>) | undefined;
  // Waiting for another suite's heavy tests to end may take minutes.
  beforeAll(async () => {
    release = await exclusive();
    try {
      server = await harness.start();
      if (server) await ready(server);
    } catch (error) {
      await release();
      throw error;
    }
    if (!server)
      console.warn(
        `SKIPPED the ${kind} store ${suite} test: its server is not installed here` +
          " (with CI or PROSPER_REQUIRE_STORES=1 set, that fails instead).",
      );
  }, 600_000);
  afterAll(async () => {
    try {
      await server?.stop();
    } finally {
      await release?.();
    }
  }, 60_000);
  beforeEach((context) => {
    if (!server) context.skip(`no ${kind} server here`);
  });
  return () => server!;
}
