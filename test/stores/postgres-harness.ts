import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { chown, mkdtemp, open, readdir, readFile, rm } from "node:fs/promises";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { postgresStore } from "prosper-runtime/postgres";
import {
  freezeProcesses,
  killProcesses,
  requireStores,
  thawProcesses,
  type OpenedStore,
  type RunningServer,
  type StoreHarness,
} from "./harness.js";

/**
 * A private PostgreSQL cluster per `start()`: initdb in a temporary folder, one server on
 * 127.0.0.1 and a free port, its socket in that folder. Durable as a real one (fsync and
 * synchronous_commit on), so that "no acknowledged reward is lost" after `kill()` means something;
 * small (shared_buffers 16MB) so that several suites can run one each. As root, the server runs as
 * the `postgres` user, which PostgreSQL requires.
 */

const INSTALL = "apt-get install postgresql (Debian, Ubuntu), brew install postgresql (macOS)";

interface Connection {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
}

const run = promisify(execFile);

/** The folder with initdb and postgres: pg_config's, else the newest Debian one. */
function binaries(): string | undefined {
  const complete = (folder: string) => existsSync(join(folder, "initdb")) && existsSync(join(folder, "postgres"));
  try {
    const folder = execFileSync("pg_config", ["--bindir"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    if (complete(folder.trim())) return folder.trim();
  } catch {
    // No pg_config: look where Debian puts the servers.
  }
  const debian = "/usr/lib/postgresql";
  const versions = existsSync(debian) ? readdirSync(debian).filter((name) => /^\d+$/.test(name)) : [];
  return versions
    .sort((a, b) => Number(b) - Number(a))
    .map((version) => join(debian, version, "bin"))
    .find(complete);
}

/** The user to run the server as: PostgreSQL refuses to run as root. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
    return { uid: id("-u"), gid: id("-g") };
  } catch {
    throw new Error("running as root, PostgreSQL needs a `postgres` user to run as (the postgresql package makes one)");
  }
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The processes whose parent is `pid` (Linux); empty elsewhere, where the backends exit on their own. */
async function childrenOf(pid: number): Promise<number[]> {
  const entries = await readdir("/proc").catch(() => [] as string[]);
  const found: number[] = [];
  for (const entry of entries.filter((name) => /^\d+$/.test(name))) {
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    // pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ")".
    const parent = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1];
    if (Number(parent) === pid) found.push(Number(entry));
  }
  return found;
}

/** Whether `pid` still runs (a zombie, dead but not yet reaped, does not). */
async function isRunning(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => undefined);
  if (stat !== undefined) return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The schema a namespace names; one too long for a PostgreSQL name is shortened with a hash. */
export function schemaFor(namespace: string): string {
  if (Buffer.byteLength(namespace) <= 63) return namespace;
  return `ns_${createHash("sha256").update(namespace).digest("hex").slice(0, 40)}`;
}

/**
 * Pool settings for a store, as the store's documentation advises: waiting to connect, or for a
 * free connection, gives up about when the store's 1000 ms timeout does, rather than piling up
 * calls behind a server that does not answer; keep-alive notices a dead connection. The query
 * timeout is generous: the concurrency suite runs 16 processes on what may be two cores.
 *
 * A server that hangs with its connections open (the outage suite's `freeze`) holds every pooled
 * connection's statement until it goes on, or until the query timeout fails it and the pool
 * discards that connection. The store keeps at most `max` statements in flight and queues the
 * rest, so nothing waits for a connection meanwhile, and when the server goes on it answers them
 * and the pool is whole at once: no setting is needed to recover from a hang shorter than the
 * query timeout, and one longer ends in fresh connections.
 */
export const POOL_OPTIONS = {
  // As many as the store keeps statements in flight (4 batches each of readUnit, assign and
  // complete), so that no call waits for a connection: under load that wait would time out.
  max: 12,
  connectionTimeoutMillis: 1000,
  query_timeout: 30_000,
  keepAlive: true,
  idleTimeoutMillis: 10_000,
};

/** A store on a pool of its own, in the schema `namespace` names: what a child process of the concurrency suite calls. */
export async function openStore(connection: unknown, namespace: string): Promise<OpenedStore> {
  const pool = new pg.Pool({ ...(connection as Connection), ...POOL_OPTIONS });
  const store = postgresStore(pool, { schema: schemaFor(namespace) });
  try {
    await store.setup();
  } catch (error) {
    await pool.end();
    throw error;
  }
  return { store, close: () => pool.end() };
}

/** How long the last `start()` took to initdb and to start: the suites print it. */
export const timings = { initdbMs: 0, startMs: 0, restartMs: 0 };

export const harness: StoreHarness = {
  kind: "postgres",
  start: async () => {
    const bin = binaries();
    if (!bin) {
      const why = `PostgreSQL server binaries (initdb, postgres) not found: ${INSTALL}`;
      if (requireStores) throw new Error(why);
      console.warn(`SKIPPING the postgres store tests: ${why}`);
      return undefined;
    }
    const user = serverUser();
    const dir = await mkdtemp(join(tmpdir(), "prosper-pg-"));
    if (user) await chown(dir, user.uid, user.gid);
    const data = join(dir, "data");
    const as = user ?? {};
    let began = performance.now();
    await run(
      join(bin, "initdb"),
      ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"],
      as,
    ).catch((error) => {
      throw new Error(`initdb failed: ${(error as { stderr?: string }).stderr ?? error}`);
    });
    timings.initdbMs = performance.now() - began;
    const port = await freePort();
    const connection: Connection = { host: "127.0.0.1", port, user: "postgres", database: "postgres" };
    const log = join(dir, "server.log");
    let server: ChildProcess | undefined;
    let exited: Promise<void> = Promise.resolve();

    const launch = async () => {
      // A server that was killed leaves its lock file; it is gone, so its file can go too.
      await rm(join(data, "postmaster.pid"), { force: true });
      const output = await open(log, "a");
      const settings = {
        listen_addresses: "127.0.0.1",
        unix_socket_directories: dir,
        fsync: "on",
        synchronous_commit: "on",
        full_page_writes: "on",
        shared_buffers: "16MB",
        max_connections: "300",
      };
      const args = [
        "-D",
        data,
        "-p",
        String(port),
        ...Object.entries(settings).flatMap(([k, v]) => ["-c", `${k}=${v}`]),
      ];
      const child = spawn(join(bin, "postgres"), args, { ...as, stdio: ["ignore", output.fd, output.fd] });
      // The server has its own copy of the descriptor.
      await output.close();
      // Not what keeps the test process alive: if it ends without `stop()`, its exit handler kills the server.
      child.unref();
      server = child;
      exited = new Promise((resolve) => child.once("exit", () => resolve()));
      child.once("error", () => {});
      for (const deadline = Date.now() + 60_000; ;) {
        if (child.exitCode !== null || child.signalCode !== null) {
          const tail = (await readFile(log, "utf8").catch(() => "")).split("\n").slice(-15).join("\n");
          throw new Error(`postgres exited at start:\n${tail}`);
        }
        const probe = new pg.Client({ ...connection, connectionTimeoutMillis: 1000 });
        probe.on("error", () => {});
        try {
          await probe.connect();
          await probe.end();
          return;
        } catch {
          await probe.end().catch(() => {});
          if (Date.now() > deadline) throw new Error(`postgres did not accept connections within 60 s (log: ${log})`);
          await sleep(25);
        }
      }
    };

    /**
     * The postmaster and every process it started (backends, checkpointer, WAL writer...) while
     * `freeze` has them stopped. A stopped backend would outlive a postmaster that died, so these
     * are SIGKILLed with it.
     */
    let frozen: number[] = [];

    /** SIGKILL the postmaster and every backend: frozen first, so that it starts no new one meanwhile. */
    const kill = async () => {
      const pid = server?.pid;
      if (pid === undefined || server!.exitCode !== null || server!.signalCode !== null) return;
      process.kill(pid, "SIGSTOP");
      const backends = await childrenOf(pid);
      // A backend may exit between the look and the kill: killProcesses lets it.
      killProcesses([...backends, ...frozen]);
      frozen = [];
      process.kill(pid, "SIGKILL");
      // Unreferenced at launch: waiting on its exit must keep the process alive, or a process with
      // nothing else to do (the bench, once its pool has ended) exits with the wait unsettled.
      server!.ref();
      await exited;
      for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(10)) {
        const alive = await Promise.all(backends.map(isRunning));
        if (!alive.includes(true)) break;
      }
      server = undefined;
    };

    // A test process that ends without `stop()` must not leave a server, or its data, behind.
    const onExit = () => {
      try {
        killProcesses(frozen);
        if (server?.pid) process.kill(server.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
      rmSync(dir, { recursive: true, force: true });
    };
    process.once("exit", onExit);

    began = performance.now();
    await launch();
    timings.startMs = performance.now() - began;

    const started: RunningServer = {
      connection,
      open: (namespace) => openStore(connection, namespace),
      kill,
      restart: async () => {
        const at = performance.now();
        await launch();
        timings.restartMs = performance.now() - at;
      },
      freeze: async () => {
        if (frozen.length) return;
        const pid = server?.pid;
        if (pid === undefined || server!.exitCode !== null || server!.signalCode !== null)
          throw new Error("freeze: the server is not running");
        frozen = await freezeProcesses(pid);
      },
      thaw: async () => {
        thawProcesses(frozen);
        frozen = [];
      },
      stop: async () => {
        process.removeListener("exit", onExit);
        await kill();
        await rm(dir, { recursive: true, force: true });
      },
    };
    return started;
  },
};
