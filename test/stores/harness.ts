import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { promisify } from "node:util";
import type { ExperimentStore } from "prosper-runtime";

/**
 * How the store suites meet a real server. Each kind of store (redis, postgres; memory for the
 * suites' own check) has a harness module `test/stores/<kind>-harness.ts` exporting `harness`.
 * The suites are written once against this interface and run for every kind.
 */

/** Under CI (or PROSPER_REQUIRE_STORES=1) a server that cannot be started fails the suite; elsewhere it is skipped, loudly. */
export const requireStores = Boolean(process.env["CI"]) || process.env["PROSPER_REQUIRE_STORES"] === "1";

export interface StoreHarness {
  readonly kind: string;
  /**
   * Starts a private server with fresh data on a free port. Gives undefined (after printing why,
   * and how to install it) when the server is not installed here; throws when it is installed
   * but fails to start, and throws instead of giving undefined when `requireStores` is set.
   */
  start(): Promise<RunningServer | undefined>;
}

export interface OpenedStore {
  readonly store: ExperimentStore;
  /** Ends the store's client connections. */
  close(): Promise<void>;
}

export interface RunningServer {
  /** JSON: what a child process needs to connect (`openStore(connection, namespace)` in the harness module). */
  readonly connection: unknown;
  /** A store on a client of its own, in `namespace` (a Redis key prefix, a PostgreSQL schema). */
  open(namespace: string): Promise<OpenedStore>;
  /** SIGKILL: the server dies mid-request, as in an outage. Its data stays on disk. */
  kill(): Promise<void>;
  /** Starts the killed server again, on the same port with the same data; resolves when it accepts connections. */
  restart(): Promise<void>;
  /**
   * SIGSTOP every process of the server: its connections stay open and it accepts new ones, but
   * nothing answers, as with a hung server or a network that drops every packet. Resolves once
   * each is stopped. `kill`, `stop` and the test process's exit work on a frozen server too.
   */
  freeze(): Promise<void>;
  /** SIGCONT them: the server goes on where it stopped, answering what was sent to it meanwhile. */
  thaw(): Promise<void>;
  /** Stops the server and deletes its data. */
  stop(): Promise<void>;
}

const run = promisify(execFile);

/** Each process's parent: from /proc on Linux, else from `ps`. */
async function parents(): Promise<Map<number, number>> {
  const found = new Map<number, number>();
  const entries = await readdir("/proc").catch(() => undefined);
  if (entries) {
    for (const entry of entries.filter((name) => /^\d+$/.test(name))) {
      const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
      // pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ")".
      const parent = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1];
      if (parent !== undefined) found.set(Number(entry), Number(parent));
    }
    return found;
  }
  const { stdout } = await run("ps", ["-A", "-o", "pid=", "-o", "ppid="]);
  for (const line of stdout.split("\n")) {
    const [pid, parent] = line.trim().split(/\s+/).map(Number);
    if (pid && parent !== undefined) found.set(pid, parent);
  }
  return found;
}

/** The processes descended from `pid` (children, theirs, and so on), not `pid` itself. */
export async function descendantsOf(pid: number): Promise<number[]> {
  let childrenOf = async (parent: number) => (await directChildren(parent)) ?? [];
  if ((await directChildren(pid)) === undefined) {
    // No /proc/<pid>/task/<tid>/children here: every process's parent, in one look.
    const children = new Map<number, number[]>();
    for (const [child, parent] of await parents()) children.set(parent, [...(children.get(parent) ?? []), child]);
    childrenOf = async (parent) => children.get(parent) ?? [];
  }
  const found: number[] = [];
  for (let at = [pid]; at.length;) {
    at = (await Promise.all(at.map(childrenOf))).flat();
    found.push(...at);
  }
  return found;
}

/**
 * The children of `pid` from Linux's /proc/<pid>/task/<tid>/children (each thread's: a child
 * belongs to the thread that forked it), a few reads where scanning /proc takes hundreds on a
 * busy machine; undefined where the kernel does not have them. Empty for a process that is gone.
 */
async function directChildren(pid: number): Promise<number[] | undefined> {
  const threads = await readdir(`/proc/${pid}/task`).catch(() => undefined);
  if (!threads) return existsSync("/proc/self/task") ? [] : undefined;
  const lists = await Promise.all(
    threads.map((thread) =>
      readFile(`/proc/${pid}/task/${thread}/children`, "utf8").catch((error: NodeJS.ErrnoException) =>
        error.code === "ENOENT" && existsSync(`/proc/${pid}/task/${thread}`) ? undefined : "",
      ),
    ),
  );
  if (lists.includes(undefined)) return undefined;
  return lists.flatMap((list) => list!.split(" ").filter(Boolean).map(Number));
}

/** Sends `signal`, if the process is still there to get it. */
function signal(pid: number, name: NodeJS.Signals) {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

/** Each process's state letter (R, S, T stopped, Z zombie...); none for one that is gone. */
async function states(pids: readonly number[]): Promise<Map<number, string>> {
  const found = new Map<number, string>();
  if (await readdir("/proc").catch(() => undefined)) {
    for (const pid of pids) {
      const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => undefined);
      if (stat !== undefined) found.set(pid, stat.slice(stat.lastIndexOf(")") + 2)[0]!);
    }
    return found;
  }
  const { stdout } = await run("ps", ["-o", "pid=", "-o", "stat=", "-p", pids.join(",")]).catch(() => ({ stdout: "" }));
  for (const line of stdout.split("\n")) {
    const [pid, state] = line.trim().split(/\s+/);
    if (pid && state) found.set(Number(pid), state[0]!);
  }
  return found;
}

/**
 * SIGSTOPs `pid`, then every process descended from it (stopped first, it starts no new one
 * meanwhile; a child it was starting is there by the second look), and resolves once each is
 * stopped. Gives the processes stopped, all but `pid` first, for `thawProcesses`, and for an exit
 * handler to SIGKILL: a stopped process never notices that its parent died.
 */
export async function freezeProcesses(pid: number): Promise<number[]> {
  signal(pid, "SIGSTOP");
  const frozen = new Set<number>();
  for (;;) {
    const found = (await descendantsOf(pid)).filter((child) => !frozen.has(child));
    if (!found.length) break;
    for (const child of found) {
      signal(child, "SIGSTOP");
      frozen.add(child);
    }
  }
  const all = [...frozen, pid];
  for (const deadline = Date.now() + 5000; ; await new Promise((resolve) => setTimeout(resolve, 5))) {
    // T: stopped; a zombie (Z, X) has exited, so it answers nothing either.
    const running = [...(await states(all))].filter(([, state]) => !"TtZX".includes(state));
    if (!running.length) return all;
    if (Date.now() > deadline) throw new Error(`processes ${running.map(([id]) => id).join(", ")} did not stop`);
  }
}

/** SIGCONTs what `freezeProcesses` stopped, `pid` last. */
export function thawProcesses(frozen: readonly number[]): void {
  for (const pid of frozen) signal(pid, "SIGCONT");
}

/** SIGKILLs what `freezeProcesses` stopped, synchronously: for exit handlers too. */
export function killProcesses(frozen: readonly number[]): void {
  for (const pid of frozen) signal(pid, "SIGKILL");
}
