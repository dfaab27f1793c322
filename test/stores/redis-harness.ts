import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis, type RedisOptions } from "ioredis";
import { redisStore } from "prosper-runtime/redis";
import {
  freezeProcesses,
  killProcesses,
  requireStores,
  thawProcesses,
  type OpenedStore,
  type RunningServer,
  type StoreHarness,
} from "./harness.js";

/** What a child process needs to reach the server: JSON. */
export interface RedisConnection {
  readonly host: string;
  readonly port: number;
}

const HOST = "127.0.0.1";

/**
 * The client options an app should use with the store, and the tests do. Without them, ioredis
 * keeps a command through 20 reconnection attempts (tens of seconds) while the server is down:
 * the experiments' store timeout still answers the pick, but the commands pile up in memory and
 * run long after the app gave up on them.
 *
 * A server that hangs with its connections open (the outage suite's `freeze`) is another matter:
 * nothing drops, so these options never act, and ioredis waits for each answer, which comes, in
 * order, when the server goes on; the store timeout answers the picks meanwhile. The client needs
 * no setting to recover from that. What bounds the commands kept through a long hang is
 * `socketTimeout`: a connection that answers nothing for that long, with commands waiting on it,
 * is dropped, and the options above fail its commands. It is several store timeouts long, so a
 * slow answer under load is not mistaken for a hang (the suites' freezes last 2 s).
 */
export const FAIL_FAST = {
  // A command sent while the connection is down fails at once instead of waiting in the offline queue.
  enableOfflineQueue: false,
  // A command in flight when the connection drops fails at the first reconnection attempt.
  maxRetriesPerRequest: 0,
  // Try again every 50 ms, so the store is back as soon as the server is.
  retryStrategy: () => 50,
  connectTimeout: 1000,
  // A server that keeps the connection but stops answering: drop the connection after 5 s.
  socketTimeout: 5000,
} satisfies RedisOptions;

/** A store on a client of its own, connected: `namespace` is its key prefix. Usable from a child process. */
export async function openStore(connection: unknown, namespace: string): Promise<OpenedStore> {
  const { host, port } = connection as RedisConnection;
  const client = new Redis({ host, port, lazyConnect: true, ...FAIL_FAST });
  // Connection errors reach the tests as rejected store calls; ioredis would also print each one.
  client.on("error", () => {});
  await client.connect();
  return {
    store: redisStore(client, { prefix: namespace }),
    close: async () => {
      await client.quit().catch(() => {});
      client.disconnect();
    },
  };
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, HOST, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** Whether the server answers PING with PONG: not while it is still loading its append-only file. */
const pongs = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: HOST, port });
    let answer = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (data) => {
      answer += data;
      if (answer.includes("\r\n")) done(answer.startsWith("+PONG"));
    });
  });

function installed(): boolean {
  const found = spawnSync("redis-server", ["--version"], { stdio: "ignore" });
  return !(found.error && (found.error as NodeJS.ErrnoException).code === "ENOENT");
}

/** Starts redis-server and resolves when it answers; rejects with its log if it exits or takes 10 s. */
async function launch(port: number, dir: string): Promise<ChildProcess> {
  // Durable: every acknowledged write is on disk before the reply, so a SIGKILL loses none of them.
  const args = ["--port", String(port), "--bind", HOST, "--dir", dir, "--save", ""];
  args.push("--appendonly", "yes", "--appendfsync", "always");
  const server = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  const keep = (data: Buffer) => (log = (log + data).slice(-4000));
  server.stdout!.on("data", keep);
  server.stderr!.on("data", keep);
  let exited = false;
  server.once("exit", () => (exited = true));
  const deadline = Date.now() + 10_000;
  while (!(await pongs(port))) {
    if (exited || Date.now() > deadline) {
      server.kill("SIGKILL");
      throw new Error(`redis-server on port ${port} did not start:\n${log}`);
    }
    await sleep(20);
  }
  return server;
}

const killed = (server: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (server.exitCode !== null || server.signalCode !== null) return resolve();
    server.once("exit", () => resolve());
    server.kill("SIGKILL");
  });

export const harness: StoreHarness = {
  kind: "redis",
  async start(): Promise<RunningServer | undefined> {
    if (!installed()) {
      const why =
        "redis-server is not installed, so the Redis store tests cannot run: install it (apt-get install redis-server, or brew install redis)";
      if (requireStores) throw new Error(why);
      console.warn(`\n*** SKIPPED: ${why}; set PROSPER_REQUIRE_STORES=1 to fail instead. ***\n`);
      return undefined;
    }
    const dir = mkdtempSync(join(tmpdir(), "prosper-redis-"));
    let port = 0;
    let server: ChildProcess | undefined;
    // Another process may take the free port before the server binds it: try a few.
    for (let attempt = 1; !server; attempt++)
      try {
        port = await freePort();
        server = await launch(port, dir);
      } catch (error) {
        if (attempt === 3) {
          rmSync(dir, { recursive: true, force: true });
          throw error;
        }
      }
    /** The server's processes while `freeze` has them stopped (with any child it forked, rewriting its append-only file). */
    let frozen: number[] = [];
    /** SIGKILL: a frozen server's children too, which, stopped, would never notice that it died. */
    const kill = async () => {
      killProcesses(frozen);
      frozen = [];
      await killed(server!);
    };
    // A test run that dies must not leave a server behind, running or stopped.
    const onExit = () => {
      killProcesses(frozen);
      server?.kill("SIGKILL");
    };
    process.once("exit", onExit);
    const connection: RedisConnection = { host: HOST, port };
    return {
      connection,
      open: (namespace) => openStore(connection, namespace),
      kill,
      restart: async () => {
        await kill();
        server = await launch(port, dir);
      },
      freeze: async () => {
        if (frozen.length) return;
        if (server!.exitCode !== null || server!.signalCode !== null)
          throw new Error("freeze: the server is not running");
        frozen = await freezeProcesses(server!.pid!);
      },
      thaw: async () => {
        thawProcesses(frozen);
        frozen = [];
      },
      stop: async () => {
        await kill();
        process.off("exit", onExit);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};
