import { once } from "node:events";
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type RequestListener,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { setImmediate as immediate, setTimeout as sleep } from "node:timers/promises";
import { createExperiments, type UnitPicks } from "prosper-runtime";
import { afterEach, describe, expect, test, vi } from "vitest";
import { createRequestContext, type Middleware } from "../../runtime/request-context.js";

/** Two experiments of 16 variants, each with its own value: 256 combinations, so a unit served another's picks shows. */
const variants = (symbol: string) =>
  Array.from({ length: 16 }, (_, index) => ({ name: `v${index}`, symbols: { [symbol]: `${symbol}-${index}` } }));
const experiment = (name: string, symbol: string) => ({
  formatVersion: 1,
  kind: "experiment",
  name,
  salt: name,
  algorithm: { kind: "random" },
  variants: variants(symbol),
});
const documents = [experiment("tags", "tag"), experiment("shades", "shade")];

type Variant = `v${number}`;
type Types = {
  readonly tags: { readonly variant: Variant; readonly symbols: { readonly tag: string } };
  readonly shades: { readonly variant: Variant; readonly symbols: { readonly shade: string } };
};

interface Reported {
  readonly error: unknown;
  readonly where: string;
}

async function setup() {
  const reported: Reported[] = [];
  const onError = (error: unknown, where: string) => reported.push({ error, where });
  const experiments = createExperiments<Types>(documents, { onError });
  expect(await experiments.enable("tags")).toBe(true);
  expect(await experiments.enable("shades")).toBe(true);
  return { experiments, reported, context: createRequestContext(experiments, { onError }) };
}

/** What a unit is served, in a form two units can be compared by. */
const served = (picks: UnitPicks<Types>) => ({
  unitId: picks.unitId,
  tag: picks.pick("tag"),
  shade: picks.pick("shade"),
});
const CONTROLS = { unitId: "", tag: "tag-0", shade: "shade-0" };

/** A short pause of a random kind, so that concurrent handlers resume in an order nobody planned. */
function pause(): Promise<unknown> {
  const kind = Math.floor(Math.random() * 4);
  if (kind === 0) return sleep(Math.random() * 5);
  if (kind === 1) return immediate();
  if (kind === 2) return Promise.resolve().then(() => Promise.resolve());
  return new Promise((resolve) => process.nextTick(resolve));
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("run and pick", () => {
  test("inside run, picks are the unit's, and run gives the handler's result", async () => {
    const { experiments, context, reported } = await setup();
    const result = await context.run("alice", async () => {
      await pause();
      return { ...served(context.picks()), picked: context.pick("tag") };
    });
    const alice = served(await experiments.forUnit("alice"));
    expect(result).toEqual({ ...alice, picked: alice.tag });
    expect(reported).toEqual([]);
  });

  test("outside any run, picks are the controls, reported once per call site", async () => {
    const { context, reported } = await setup();
    for (let round = 0; round < 3; round++) expect(context.pick("tag")).toBe("tag-0");
    expect(served(context.picks())).toEqual(CONTROLS);
    expect(reported.map(({ where }) => where)).toEqual(['pick("tag")', "picks()"]);
    expect(String(reported[0]!.error)).toMatch(/outside context\.run/);
    // The stack points at the application's call, not at the context's own frames.
    expect((reported[0]!.error as Error).stack?.split("\n")[1]).toContain("request-context.test.ts");
  });

  test("an absent unit id is served the controls without a report; an unusable one is reported", async () => {
    const { context, reported } = await setup();
    expect(await context.run(undefined, () => served(context.picks()))).toEqual(CONTROLS);
    expect(reported).toEqual([]);
    expect(await context.run(42 as never, () => served(context.picks()))).toEqual(CONTROLS);
    expect(await context.run("x".repeat(5000), () => served(context.picks()))).toEqual(CONTROLS);
    expect(reported.map(({ where, error }) => [where, (error as Error).name])).toEqual([
      ["run", "TypeError"],
      ["run", "TypeError"],
    ]);
  });

  test("a run inside a run is the inner unit's until it ends", async () => {
    const { experiments, context } = await setup();
    const [alice, bob] = [served(await experiments.forUnit("alice")), served(await experiments.forUnit("bob"))];
    const seen = await context.run("alice", async () => {
      const before = served(context.picks());
      await pause();
      const inner = await context.run("bob", async () => {
        await pause();
        return served(context.picks());
      });
      await pause();
      return [before, inner, served(context.picks())];
    });
    expect(seen).toEqual([alice, bob, alice]);
  });

  test("concurrent runs with interleaved awaits keep their own units", async () => {
    const { experiments, context } = await setup();
    const units = Array.from({ length: 200 }, (_, index) => `unit-${index}`);
    const seen = await Promise.all(
      units.map((unit) =>
        context.run(unit, async () => {
          const views = [];
          for (let step = 0; step < 5; step++) {
            await pause();
            views.push(served(context.picks()));
          }
          return views;
        }),
      ),
    );
    for (const [index, unit] of units.entries()) {
      const expected = served(await experiments.forUnit(unit));
      expect(seen[index]).toEqual(Array(5).fill(expected));
    }
  });

  test("a handler's error rejects run with that very error", async () => {
    const { context, reported } = await setup();
    const thrown = new Error("sync");
    const rejected = new Error("async");
    await expect(
      context.run("alice", () => {
        throw thrown;
      }),
    ).rejects.toBe(thrown);
    await expect(context.run("alice", () => Promise.reject(rejected))).rejects.toBe(rejected);
    expect(reported).toEqual([]);
  });

  test("a failing forUnit is reported and the handler is served the controls", async () => {
    const { experiments, reported } = await setup();
    const failure = new Error("store down");
    const broken = { ...experiments, forUnit: () => Promise.reject(failure), controls: () => experiments.controls() };
    const context = createRequestContext(broken, { onError: (error, where) => reported.push({ error, where }) });
    expect(await context.run("alice", () => served(context.picks()))).toEqual(CONTROLS);
    expect(reported).toEqual([{ error: failure, where: "run" }]);
  });
});

/** Waits until wrapped handlers have resolved their unit and run. */
async function settle(): Promise<void> {
  await sleep(5);
}

describe("listener and middleware", () => {
  const request = (user?: unknown) => ({ headers: {}, user }) as unknown as IncomingMessage & { user?: string };

  test("the listener runs as the request's unit, with node's `this`", async () => {
    const { experiments, context } = await setup();
    const calls: unknown[] = [];
    const listener = context.listener(
      (incoming) => (incoming as { user?: string }).user,
      function (this: unknown) {
        calls.push([this, served(context.picks())]);
      },
    );
    const server = { name: "server" };
    listener.call(server, request("alice"), {} as never);
    await settle();
    expect(calls).toEqual([[server, served(await experiments.forUnit("alice"))]]);
  });

  test("a throwing or non-string unitIdOf is reported and the request served the controls", async () => {
    const { context, reported } = await setup();
    const seen: unknown[] = [];
    const failure = new Error("no session");
    const listener = context.listener(
      () => {
        throw failure;
      },
      () => seen.push(served(context.picks())),
    );
    listener(request(), {} as never);
    const middleware = context.middleware((incoming: { user?: unknown }) => incoming.user as string);
    middleware(request(7), {}, () => seen.push(served(context.picks())));
    middleware(request(undefined), {}, () => seen.push(served(context.picks())));
    await settle();
    expect(seen).toEqual([CONTROLS, CONTROLS, CONTROLS]);
    expect(reported.map(({ where }) => where)).toEqual(["listener(unitIdOf)", "middleware(unitIdOf)"]);
    expect(reported[0]!.error).toBe(failure);
  });

  test("middleware calls next once, without an error, inside the unit", async () => {
    const { experiments, context } = await setup();
    const nexts: unknown[][] = [];
    context.middleware((incoming: { user?: string }) => incoming.user)(request("bob"), {}, (...args) =>
      nexts.push([args, served(context.picks())]),
    );
    await settle();
    expect(nexts).toEqual([[[], served(await experiments.forUnit("bob"))]]);
  });

  test("a listener's or next's synchronous error surfaces as an uncaught exception, not a rejection", async () => {
    const { context, reported } = await setup();
    // Capture what would be thrown uncaught: vitest fails a run on a real uncaught exception.
    const scheduled: (() => void)[] = [];
    const spy = vi.spyOn(globalThis, "queueMicrotask").mockImplementation((callback) => scheduled.push(callback));
    const thrown = new Error("handler bug");
    context.listener(
      () => "alice",
      () => {
        throw thrown;
      },
    )(request(), {} as never);
    context.middleware(() => "alice")(request(), {}, () => {
      throw thrown;
    });
    await settle();
    spy.mockRestore();
    expect(scheduled).toHaveLength(2);
    for (const rethrow of scheduled) expect(rethrow).toThrow(thrown);
    expect(reported).toEqual([]);
  });
});

type UserRequest = IncomingMessage & { user?: { id?: string | undefined } };

/** A Connect-like dispatcher (as Express runs middleware): each layer gets `next`, a throw goes to `next(error)`. */
function connect(...layers: Middleware<IncomingMessage>[]): RequestListener {
  return (request, response) => {
    let index = 0;
    const next = (error?: unknown) => {
      const layer = layers[index++];
      if (error !== undefined || !layer) {
        response.statusCode = error === undefined ? 404 : 500;
        response.end(String(error ?? "not found"));
        return;
      }
      try {
        layer(request, response, next);
      } catch (thrown) {
        next(thrown);
      }
    };
    next();
  };
}

describe("1,000 concurrent requests on a real node:http server", () => {
  const REQUESTS = 1000;
  const userOf = (request: IncomingMessage) => request.headers["x-user"] as string | undefined;

  /** The server's handler: picks between random pauses, answering what the context said, each time. */
  function application(context: Awaited<ReturnType<typeof setup>>["context"]) {
    let inFlight = 0;
    let maxInFlight = 0;
    let arrived = 0;
    let openGate: () => void = () => {};
    // Handlers wait until every request has arrived (or 10 s), so that all of them are in flight at
    // once; the gate is opened from another request's context, which must not leak into theirs.
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const timer = setTimeout(openGate, 10_000);
    const handle = async (_request: IncomingMessage, response: ServerResponse) => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      if (++arrived === REQUESTS) openGate();
      const views = [served(context.picks())];
      await gate;
      for (let step = 0; step < 4; step++) {
        await pause();
        views.push({ unitId: context.picks().unitId, tag: context.pick("tag"), shade: context.pick("shade") });
      }
      inFlight--;
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify(views));
    };
    return { handle, figures: () => ({ maxInFlight }), stop: () => clearTimeout(timer) };
  }

  async function hammer(build: (context: Awaited<ReturnType<typeof setup>>["context"]) => RequestListener) {
    const { experiments, context, reported } = await setup();
    const server = createServer(build(context));
    server.listen({ port: 0, host: "127.0.0.1", backlog: 2048 });
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    const agent = new Agent({ keepAlive: true, maxSockets: REQUESTS });
    const users = Array.from(
      { length: REQUESTS },
      (_, index) => `user-${index}-${Math.random().toString(36).slice(2)}`,
    );
    const get = (user: string) =>
      new Promise<{ status: number | undefined; body: string }>((resolve, reject) => {
        const outgoing = httpRequest({ host: "127.0.0.1", port, agent, path: "/", headers: { "x-user": user } });
        outgoing.on("response", (response) => {
          let body = "";
          response.setEncoding("utf8");
          response.on("data", (chunk: string) => (body += chunk));
          response.on("end", () => resolve({ status: response.statusCode, body }));
          response.on("error", reject);
        });
        outgoing.on("error", reject);
        outgoing.end();
      });
    const started = performance.now();
    try {
      const responses = await Promise.all(users.map(get));
      const milliseconds = Math.round(performance.now() - started);
      await experiments.flush();
      let mismatches = 0;
      const tags = new Set<string>();
      for (const [index, user] of users.entries()) {
        const expected = served(await experiments.forUnit(user));
        tags.add(expected.tag);
        const response = responses[index]!;
        const views = response.status === 200 ? (JSON.parse(response.body) as unknown[]) : [];
        if (views.length !== 5 || views.some((view) => JSON.stringify(view) !== JSON.stringify(expected))) mismatches++;
      }
      return { mismatches, tags: tags.size, milliseconds, reported };
    } finally {
      agent.destroy();
      server.closeAllConnections();
      server.close();
    }
  }

  const check = (result: Awaited<ReturnType<typeof hammer>>, maxInFlight: number, name: string) => {
    console.info(
      `${name}: ${REQUESTS} requests, max in flight ${maxInFlight}, mismatches ${result.mismatches}, ` +
        `${result.tags} distinct tags, ${result.milliseconds} ms`,
    );
    expect(result.mismatches).toBe(0);
    expect(maxInFlight).toBeGreaterThanOrEqual(REQUESTS * 0.9);
    // Enabled experiments spread the users: served the controls, everyone would look alike and pass.
    expect(result.tags).toBeGreaterThanOrEqual(14);
    expect(result.reported).toEqual([]);
  };

  test("through context.listener, every response carries its own user's picks", async () => {
    let app!: ReturnType<typeof application>;
    const result = await hammer((context) => {
      app = application(context);
      return context.listener(userOf, (request, response) => void app.handle(request, response));
    });
    app.stop();
    check(result, app.figures().maxInFlight, "listener");
  });

  test("through context.middleware in a Connect-like chain, every response carries its own user's picks", async () => {
    let app!: ReturnType<typeof application>;
    const result = await hammer((context) => {
      app = application(context);
      // As an authentication middleware would, before the context's.
      const identify: Middleware<IncomingMessage> = (request, _response, next) => {
        (request as UserRequest).user = { id: userOf(request) };
        next();
      };
      return connect(
        identify,
        context.middleware((request) => (request as UserRequest).user?.id),
        (request, response, next) => void app.handle(request, response as never).catch(next),
      );
    });
    app.stop();
    check(result, app.figures().maxInFlight, "middleware");
  });
});
