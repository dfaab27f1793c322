/**
 * What only the Redis store has to get right, against a real redis-server: its key layout and
 * prefixes, names and unit ids that look like its own syntax, one round trip per unit, batching,
 * atomicity under concurrency, its scripts surviving SCRIPT FLUSH, and an outage. The semantics
 * every store shares are the conformance suite's.
 */
import { Redis } from "ioredis";
import { createExperiments, memoryStore, type ExperimentStore } from "prosper-runtime";
import { results as resultsOf } from "prosper-runtime/results";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { redisStore } from "prosper-runtime/redis";
import type { RedisCommands } from "../../runtime/redis/run-script.js";
import { experimentDoc } from "../support/experiment-store.js";
import { FAIL_FAST, harness, type RedisConnection } from "./redis-harness.js";

const server = await harness.start();
const connection = server?.connection as RedisConnection;

const clients: Redis[] = [];

/** A client of its own, connected, failing fast as apps are told to configure it; disconnected after the tests. */
async function connect(options: { protocol?: 2 | 3; replyMapping?: "resp3" } = {}): Promise<Redis> {
  const client = new Redis({ ...connection, ...FAIL_FAST, ...options, lazyConnect: true });
  clients.push(client);
  client.on("error", () => {});
  await client.connect();
  return client;
}

const reward = (score: number) => ({ score, success: (score >= 0.5 ? 1 : 0) as 0 | 1 });

describe.skipIf(!server)("the Redis store", () => {
  let raw: Redis;
  let namespaces = 0;
  /** A store on a client of its own, under a prefix no other test uses. */
  const open = async (prefix = `test${++namespaces}`) => {
    const client = await connect();
    return { client, prefix, store: redisStore(client, { prefix }) };
  };

  /**
   * The commands `client` sent while `run` ran, as MONITOR saw them: top-level commands only, not
   * those a script called. Each one is a request to the server; a batch of them still one round trip.
   */
  const commandsOf = async <T>(client: Redis, run: () => Promise<T>) => {
    const address = /addr=(\S+)/.exec(String(await client.client("INFO")))![1];
    const monitor = await raw.monitor();
    const seen: string[][] = [];
    let ended: () => void;
    const end = new Promise<void>((resolve) => (ended = resolve));
    monitor.on("monitor", (_time: string, args: string[], source: string) => {
      if (source === address) seen.push(args);
      if (args[0]?.toLowerCase() === "echo" && args[1] === "end of commandsOf") ended();
    });
    const result = await run();
    await raw.echo("end of commandsOf");
    await end;
    monitor.disconnect();
    return { result, commands: seen.map((args) => args[0]!.toLowerCase()), seen };
  };

  beforeAll(async () => {
    raw = await connect();
  });
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await server?.stop();
  });

  test("ioredis's clients have every command the store sends", () => {
    raw satisfies RedisCommands;
  });

  test("keeps an experiment in three keys under its prefix, and disable deletes them", async () => {
    const { store } = await open("layout");
    await store.enable("exp");
    await store.assign([
      { experiment: "exp", unitId: "u1", variant: "b", variants: ["a", "b"] },
      { experiment: "exp", unitId: "u2", variant: "a", variants: ["a", "b"] },
    ]);
    expect(await store.complete("exp", "u1", { score: 0.25, success: 1 }, ["a", "b"])).toBe("b");

    expect((await raw.keys("layout:*")).sort()).toEqual([
      "layout:{exp}:assignments",
      "layout:{exp}:enabled",
      "layout:{exp}:stats",
    ]);
    expect(await raw.get("layout:{exp}:enabled")).toBe("1");
    expect(await raw.hgetall("layout:{exp}:assignments")).toEqual({ u2: "a" });
    expect(await raw.hgetall("layout:{exp}:stats")).toEqual({
      "assigned:a": "1",
      "assigned:b": "1",
      "count:b": "1",
      "sum:b": "0.25",
      "successes:b": "1",
    });

    await store.disable("exp");
    expect(await raw.keys("layout:*")).toEqual([]);
  });

  test('uses the prefix "prosper" when given none', async () => {
    await redisStore(await connect()).enable("default-prefix");
    expect(await raw.get("prosper:{default-prefix}:enabled")).toBe("1");
    await raw.del("prosper:{default-prefix}:enabled");
  });

  test("two prefixes on one server do not see each other", async () => {
    const { store: shop } = await open("shop");
    const { store: blog } = await open("blog");
    const variants = ["a", "b"];
    await shop.enable("exp");
    await shop.assign([{ experiment: "exp", unitId: "u", variant: "b", variants }]);

    expect(await blog.isEnabled("exp")).toBe(false);
    expect(await blog.readUnit("u", ["exp"], ["exp"])).toEqual({ experiments: [{ enabled: false }], stats: [{}] });
    expect(await blog.complete("exp", "u", reward(1), variants)).toBeUndefined();
    await blog.enable("exp");
    await blog.assign([{ experiment: "exp", unitId: "u", variant: "a", variants }]);
    await blog.disable("exp");

    expect(await shop.readUnit("u", ["exp"], ["exp"])).toEqual({
      experiments: [{ enabled: true, variant: "b" }],
      stats: [{ b: { assigned: 1, count: 0, sum: 0, successes: 0 } }],
    });
  });

  test("names and unit ids that look like keys, fields or escapes are kept apart, as the memory store keeps them", async () => {
    const { store } = await open();
    const experiments = ["a:b", "{x}", "}", "{", "ex}:{periment", "🧪 test"];
    const variants = [":", "{", "}", "count:x", "assigned:", "sum:count:", "🎉", "__proto__", "v".repeat(100)];
    const units = [
      "",
      ":",
      "{u}",
      "u}:stats",
      "\u0000",
      "\u0000x",
      '\u0000"\\ud800"', // what the escaped form of "\ud800" would be, were it not escaped too
      "\ud800",
      "\udc00",
      "\ud83d\ude00",
      "a\u0000b\nc",
      "x".repeat(4096),
      "y".repeat(4095) + "\ud800",
    ];
    const memory = memoryStore();
    const both = async <T>(run: (store: ExperimentStore) => Promise<T>) => {
      const [inRedis, inMemory] = await Promise.all([run(store), run(memory)]);
      expect(inRedis).toEqual(inMemory);
      return inRedis;
    };

    for (const experiment of experiments) await both((s) => s.enable(experiment));
    const requests = experiments.flatMap((experiment, e) =>
      units.map((unitId, u) => ({ experiment, unitId, variant: variants[(e + u) % variants.length]!, variants })),
    );
    await both((s) => s.assign(requests));
    for (const unitId of units) await both((s) => s.readUnit(unitId, experiments, experiments));
    // Every unit has its own field: reading each back gives the variant it was given.
    const read = await store.readUnit(units[7]!, experiments, []);
    expect(read.experiments.map(({ variant }) => variant)).toEqual(
      experiments.map((_, e) => variants[(e + 7) % variants.length]),
    );

    for (const [index, { experiment, unitId }] of requests.entries())
      await both((s) => s.complete(experiment, unitId, reward(index % 2 ? 0.125 : 0.75), variants));
    const stats = await both((s) => s.readStats(experiments));
    expect(Object.keys(stats[0]!).sort()).toEqual([...variants].sort());
    expect(Object.getPrototypeOf(stats[0]!)).toBe(Object.prototype);
  });

  test("scores in any notation JavaScript writes are added exactly", async () => {
    const { store } = await open();
    await store.enable("exp");
    const scores = [1e-7, 0.1, 0.2, 5e-324, 1, 0];
    const variants = ["a"];
    await store.assign(scores.map((_, unit) => ({ experiment: "exp", unitId: `u${unit}`, variant: "a", variants })));
    await Promise.all(scores.map((score, unit) => store.complete("exp", `u${unit}`, reward(score), variants)));
    const [stats] = await store.readStats(["exp"]);
    expect(stats!["a"]!.count).toBe(scores.length);
    expect(stats!["a"]!.sum).toBeCloseTo(1.3000001, 12);
  });

  test("readUnit is one command for 50 experiments, and a batch of assignments is another", async () => {
    const { client, store } = await open();
    const names = Array.from({ length: 50 }, (_, index) => `exp${index}`);
    const variants = ["control", "treatment"];
    for (const name of names.filter((_, index) => index % 5)) await store.enable(name);
    const requests = names.map((experiment) => ({ experiment, unitId: "unit", variant: "treatment", variants }));
    // The first run of each script sends it whole (EVAL) while its SHA-1 is learned.
    await store.readUnit("warm-up", names, names);
    await store.assign([{ ...requests[1]!, unitId: "warm-up" }]);

    const assigned = await commandsOf(client, () => store.assign(requests));
    expect(assigned.commands).toEqual(["evalsha"]);
    expect(assigned.result.filter(({ stored }) => stored)).toHaveLength(40);

    const { result, commands, seen } = await commandsOf(client, () => store.readUnit("unit", names, names));
    expect(commands).toEqual(["evalsha"]);
    expect(seen[0]!.length).toBe(3 + 150 + 2); // EVALSHA, sha, key count, the keys, unit and count
    expect(result.experiments).toEqual(
      names.map((_, index) => (index % 5 ? { enabled: true, variant: "treatment" } : { enabled: false })),
    );
    expect(result.stats[1]).toEqual({ treatment: { assigned: 2, count: 0, sum: 0, successes: 0 } });
  });

  test("1,000 units completed twice each, concurrently from two clients: each rewarded exactly once", async () => {
    const first = await open();
    const second = redisStore(await connect(), { prefix: first.prefix });
    const variants = ["a", "b", "c"];
    const units = Array.from({ length: 1000 }, (_, index) => `unit-${index}`);
    await first.store.enable("exp");
    await first.store.assign(
      units.map((unitId, index) => ({ experiment: "exp", unitId, variant: variants[index % 3]!, variants })),
    );

    await first.store.complete("exp", "warm-up", reward(1), variants);
    const { result: answers, commands } = await commandsOf(first.client, () =>
      Promise.all(
        units.flatMap((unitId, index) => [
          first.store.complete("exp", unitId, reward(index % 2), variants),
          second.complete("exp", unitId, reward(index % 2), variants),
        ]),
      ),
    );
    // The completions asked in one tick went as one script.
    expect(commands).toEqual(["evalsha"]);
    units.forEach((_, index) => {
      const pair = answers.slice(2 * index, 2 * index + 2);
      expect(pair.filter((answer) => answer !== undefined)).toEqual([variants[index % 3]]);
    });
    const [stats] = await first.store.readStats(["exp"]);
    const total = (field: "count" | "sum" | "successes") =>
      Object.values(stats!).reduce((sum, arm) => sum + arm[field], 0);
    expect([total("count"), total("sum"), total("successes")]).toEqual([1000, 500, 500]);
  });

  test("two clients assigning the same 1,000 units at once: one variant stored per unit, counted once", async () => {
    const first = await open();
    const second = redisStore(await connect(), { prefix: first.prefix });
    const variants = ["a", "b"];
    const units = Array.from({ length: 1000 }, (_, index) => `unit-${index}`);
    await first.store.enable("exp");
    const [fromFirst, fromSecond] = await Promise.all([
      first.store.assign(units.map((unitId) => ({ experiment: "exp", unitId, variant: "a", variants }))),
      second.assign(units.map((unitId) => ({ experiment: "exp", unitId, variant: "b", variants }))),
    ]);
    units.forEach((_, index) => {
      const [one, other] = [fromFirst[index]!, fromSecond[index]!];
      expect(one.variant).toBe(other.variant);
      expect(one.stored !== other.stored).toBe(true);
    });
    const [stats] = await first.store.readStats(["exp"]);
    expect((stats!["a"]?.assigned ?? 0) + (stats!["b"]?.assigned ?? 0)).toBe(1000);
  });

  test("a unit twice in one batch: assigned once, completed once", async () => {
    const { store } = await open();
    const variants = ["a", "b"];
    await store.enable("exp");
    expect(
      await store.assign([
        { experiment: "exp", unitId: "u", variant: "a", variants },
        { experiment: "exp", unitId: "u", variant: "b", variants },
      ]),
    ).toEqual([
      { variant: "a", stored: true },
      { variant: "a", stored: false },
    ]);
    const answers = await Promise.all([1, 0.5, 0].map((score) => store.complete("exp", "u", reward(score), variants)));
    expect(answers).toEqual(["a", undefined, undefined]);
    expect(await store.readStats(["exp"])).toEqual([{ a: { assigned: 1, count: 1, sum: 1, successes: 1 } }]);
  });

  test("a batch fails whole, changing nothing, when a key holds another type or the server is out of memory", async () => {
    const { prefix, store } = await open();
    const variants = ["a", "b"];
    await store.enable("good");
    await store.enable("clobbered");
    await store.assign([{ experiment: "good", unitId: "u", variant: "a", variants }]);
    await raw.set(`${prefix}:{clobbered}:stats`, "not a hash");
    const [good, clobbered] = await Promise.allSettled([
      store.complete("good", "u", reward(1), variants),
      store.complete("clobbered", "u", reward(1), variants),
    ]);
    expect(good).toMatchObject({ status: "rejected", reason: { message: expect.stringContaining("WRONGTYPE") } });
    expect(clobbered.status).toBe("rejected");
    expect(await raw.hgetall(`${prefix}:{good}:assignments`)).toEqual({ u: "a" });

    await raw.config("SET", "maxmemory", "1");
    try {
      await expect(store.complete("good", "u", reward(1), variants)).rejects.toThrow("OOM");
      await expect(store.assign([{ experiment: "good", unitId: "v", variant: "a", variants }])).rejects.toThrow("OOM");
    } finally {
      await raw.config("SET", "maxmemory", "0");
    }
    expect(await raw.hgetall(`${prefix}:{good}:assignments`)).toEqual({ u: "a" });
    expect(await store.complete("good", "u", reward(1), variants)).toBe("a");
  });

  test("a score out of range fails its own call, not the batch it would have joined", async () => {
    const { store } = await open();
    const variants = ["a"];
    await store.enable("exp");
    await store.assign(["u", "v"].map((unitId) => ({ experiment: "exp", unitId, variant: "a", variants })));
    const [bad, good] = await Promise.allSettled([
      store.complete("exp", "u", { score: Number.NaN, success: 0 }, variants),
      store.complete("exp", "v", reward(1), variants),
    ]);
    expect(bad).toMatchObject({ status: "rejected", reason: { message: expect.stringContaining("[0, 1]") } });
    expect(good).toEqual({ status: "fulfilled", value: "a" });
  });

  test("a variant the definitions dropped is replaced, and a disabled experiment stores nothing", async () => {
    const { store } = await open();
    await store.enable("exp");
    await store.assign([{ experiment: "exp", unitId: "u", variant: "old", variants: ["a", "old"] }]);
    expect(await store.assign([{ experiment: "exp", unitId: "u", variant: "a", variants: ["a", "b"] }])).toEqual([
      { variant: "a", stored: true },
    ]);
    expect(await store.complete("exp", "u", reward(1), ["a", "b", "c"])).toBe("a");
    await store.disable("exp");
    expect(await store.assign([{ experiment: "exp", unitId: "u", variant: "b", variants: ["a", "b"] }])).toEqual([
      { variant: "b", stored: false },
    ]);
    expect(await store.readStats(["exp"])).toEqual([{}]);
  });

  test("every script runs again after SCRIPT FLUSH, and goes back to EVALSHA", async () => {
    const { client, store } = await open();
    const variants = ["a"];
    await store.enable("exp");
    await store.assign([{ experiment: "exp", unitId: "u1", variant: "a", variants }]);
    await store.readUnit("u1", ["exp"], ["exp"]);
    await store.complete("exp", "u1", reward(1), variants);
    await store.readStats(["exp"]);
    await raw.script("FLUSH");

    const flushed = await commandsOf(client, async () => {
      await store.assign([{ experiment: "exp", unitId: "u2", variant: "a", variants }]);
      return store.readUnit("u2", ["exp"], ["exp"]);
    });
    expect(flushed.commands).toEqual(["evalsha", "eval", "evalsha", "eval"]);
    expect(flushed.result.experiments).toEqual([{ enabled: true, variant: "a" }]);
    expect(await store.complete("exp", "u2", reward(1), variants)).toBe("a");
    expect(await store.readStats(["exp"])).toEqual([{ a: { assigned: 2, count: 2, sum: 2, successes: 2 } }]);

    const reloaded = await commandsOf(client, () => store.readUnit("u2", ["exp"], []));
    expect(reloaded.commands).toEqual(["evalsha"]);
  });

  test.each([
    ["RESP2", { protocol: 2 }],
    ["RESP3 with resp3 reply mapping", { protocol: 3, replyMapping: "resp3" }],
  ] as const)("answers the same on a %s client", async (_, options) => {
    const store = redisStore(await connect(options), { prefix: `protocol-${options.protocol}` });
    const variants = ["a", "b"];
    await store.enable("exp");
    expect(await store.isEnabled("exp")).toBe(true);
    expect(await store.assign([{ experiment: "exp", unitId: "u", variant: "b", variants }])).toEqual([
      { variant: "b", stored: true },
    ]);
    expect(await store.readUnit("u", ["exp", "other"], ["exp"])).toEqual({
      experiments: [{ enabled: true, variant: "b" }, { enabled: false }],
      stats: [{ b: { assigned: 1, count: 0, sum: 0, successes: 0 } }],
    });
    expect(await store.complete("exp", "u", { score: 0.3, success: 0 }, variants)).toBe("b");
    expect(await store.complete("exp", "u", { score: 0.3, success: 0 }, variants)).toBeUndefined();
    expect(await store.readStats(["exp"])).toEqual([{ b: { assigned: 1, count: 1, sum: 0.3, successes: 0 } }]);
  });

  test("never throws: a missing or unreadable client or a bad prefix rejects every call with why", async () => {
    const calls = (store: ExperimentStore) => [
      () => store.isEnabled("exp"),
      () => store.enable("exp"),
      () => store.disable("exp"),
      () => store.readUnit("u", ["exp"], ["exp"]),
      () => store.assign([{ experiment: "exp", unitId: "u", variant: "a", variants: ["a"] }]),
      () => store.complete("exp", "u", reward(1), ["a"]),
      () => store.readStats(["exp"]),
    ];
    for (const call of calls(redisStore(undefined as never)))
      await expect(call()).rejects.toThrow("expected an ioredis client, got nothing");
    for (const call of calls(redisStore(raw, { prefix: 5 as never })))
      await expect(call()).rejects.toThrow("prefix: expected a non-empty string, got the number 5");
    const poisoned = new Proxy(raw, {
      get: () => {
        throw new Error("poisoned");
      },
    });
    for (const call of calls(redisStore(poisoned)))
      await expect(call()).rejects.toThrow("cannot read the client or options: poisoned");
    // A Cluster client (ioredis marks it isCluster) needs every key in one slot: a prefix that is a hash tag.
    const cluster = Object.assign(Object.create(raw) as Redis, { isCluster: true });
    for (const call of calls(redisStore(cluster)))
      await expect(call()).rejects.toThrow('on a Redis Cluster, the prefix must be a hash tag such as "{prosper}"');
    await expect(redisStore(cluster, { prefix: "{shop}" }).isEnabled("exp")).resolves.toBe(false);
  });

  test("the experiments loop on Redis: enable, pick, sticky across processes, complete, results, disable", async () => {
    const { prefix, store } = await open();
    const errors: string[] = [];
    const documents = [
      experimentDoc("checkout", ["control", "fast"]),
      experimentDoc("banner", ["old", "new"], { kind: "thompson" }),
    ];
    const options = { store, onError: (error: unknown, where: string) => void errors.push(`${where}: ${error}`) };
    const experiments = createExperiments(documents, options);
    const elsewhere = createExperiments(documents, { ...options, store: redisStore(await connect(), { prefix }) });

    expect(await experiments.enable("checkout")).toBe(true);
    expect(await experiments.enable("banner")).toBe(true);
    const picks = await experiments.forUnit("user-1");
    const checkout = picks.pick("checkout.value");
    const banner = picks.pick("banner.value");
    expect(["control", "fast"]).toContain(checkout);
    expect(picks.assignment("checkout").reason).toBe("SPLIT");
    await experiments.flush();

    const there = await elsewhere.forUnit("user-1");
    expect([there.pick("checkout.value"), there.pick("banner.value")]).toEqual([checkout, banner]);
    expect(await elsewhere.complete("checkout", "user-1", 1)).toEqual({ rewarded: true, variant: checkout });
    expect(await experiments.complete("checkout", "user-1", 1)).toMatchObject({ rewarded: false });

    const results = await resultsOf(experiments, "checkout");
    expect(results.enabled).toBe(true);
    expect(results.variants.find(({ variant }) => variant === checkout)).toMatchObject({
      assigned: 1,
      completed: 1,
      mean: 1,
    });
    expect(await experiments.disable("checkout")).toBe(true);
    expect(await elsewhere.isEnabled("checkout")).toBe(false);
    expect((await resultsOf(experiments, "checkout")).variants.map(({ assigned }) => assigned)).toEqual([0, 0]);
    expect((await experiments.forUnit("user-1")).assignment("checkout").reason).toBe("DISABLED");
    expect(errors).toEqual([]);
  });

  // Last: it kills the server.
  test("an outage: picks answer within the store timeout, failures go to onError, acknowledged rewards survive", async () => {
    const { store } = await open();
    const variants = ["a", "b"];
    const units = Array.from({ length: 400 }, (_, index) => `unit-${index}`);
    await store.enable("exp");
    await store.assign(
      units.map((unitId, index) => ({ experiment: "exp", unitId, variant: variants[index % 2]!, variants })),
    );
    const errors: unknown[] = [];
    const experiments = createExperiments([experimentDoc("exp", variants)], {
      store,
      storeTimeoutMs: 500,
      onError: (error) => void errors.push(error),
    });

    let acknowledged = 0;
    let sent = 0;
    const complete = async (unitId: string) => {
      sent++;
      if ((await store.complete("exp", unitId, reward(1), variants).catch(() => undefined)) !== undefined)
        acknowledged++;
    };
    const traffic: Promise<void>[] = [];
    for (const unitId of units.slice(0, 100)) traffic.push(complete(unitId));
    await Promise.all(traffic);
    const killing = server!.kill();
    for (const unitId of units.slice(100, 200)) traffic.push(complete(unitId));
    await killing;

    const started = performance.now();
    const picks = await experiments.forUnit("new-user");
    expect(performance.now() - started).toBeLessThan(600);
    expect(picks.assignment("exp")).toMatchObject({ reason: "ERROR" });
    expect(variants).toContain(picks.pick("exp.value"));
    expect(await experiments.complete("exp", "unit-300", 1)).toMatchObject({ rewarded: false });
    expect(errors.length).toBeGreaterThan(0);
    await Promise.all(traffic);

    await server!.restart();
    // The client reconnects on its own, within its 50 ms retry.
    await expect.poll(() => store.isEnabled("exp").catch(() => false), { timeout: 5000 }).toBe(true);
    const [stats] = await store.readStats(["exp"]);
    const counted = stats!["a"]!.count + stats!["b"]!.count;
    expect(counted).toBeGreaterThanOrEqual(acknowledged);
    expect(counted).toBeLessThanOrEqual(sent);
    expect(acknowledged).toBeGreaterThanOrEqual(100);
    // What was not completed is still assigned: state is whole.
    const unit = await store.readUnit("unit-399", ["exp"], []);
    expect(unit.experiments).toEqual([{ enabled: true, variant: "b" }]);
    expect(await experiments.complete("exp", "unit-399", 1)).toEqual({ rewarded: true, variant: "b" });
  });
});
