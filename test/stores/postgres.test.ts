import pg from "pg";
import { createExperiments, type AssignRequest } from "prosper-runtime";
import { results as resultsOf } from "prosper-runtime/results";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { postgresStore, type PostgresClient } from "prosper-runtime/postgres";
import { decodeText, encodeText } from "../../runtime/postgres/text-codec.js";
import { experimentDoc } from "../support/experiment-store.js";
import type { RunningServer } from "./harness.js";
import { harness, POOL_OPTIONS, timings } from "./postgres-harness.js";

/**
 * What only the PostgreSQL store has: its schema (created once, however many processes start at
 * once, in any schema name), statements counted, races with `disable`, and a server killed under
 * load. The semantics every store shares are in conformance.test.ts.
 */

// A pg Pool is what the store takes, with no adapter: this does not compile otherwise.
const poolIsAClient = (pool: pg.Pool): PostgresClient => pool;
void poolIsAClient;

const AWKWARD = 'My Schema"; drop table x; --';
const VARIANTS = ["control", "a", "b"];
const WIN = { score: 1, success: 1 } as const;

let server: RunningServer | undefined;
let connection: pg.PoolConfig;
const pools: pg.Pool[] = [];

/** A pool of its own, ended after the suite; `count` hears every statement it runs. */
const newPool = (count?: (text: string) => void) => {
  const pool = new pg.Pool({ ...connection, ...POOL_OPTIONS });
  // The outage test kills the server under every pool, stores' or not.
  pool.on("error", () => {});
  pools.push(pool);
  if (count) {
    const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
    (pool as { query: unknown }).query = (...args: unknown[]) => {
      count(String(args[0]));
      return query(...args);
    };
  }
  return pool;
};

/** The administrator's view of the server. */
const sql = async (text: string, values: unknown[] = []) => (await pools[0]!.query(text, values)).rows;

const request = (experiment: string, unitId: string, variant: string, variants = VARIANTS): AssignRequest => ({
  experiment,
  unitId,
  variant,
  variants,
});

const units = (count: number, prefix = "u") => Array.from({ length: count }, (_, index) => `${prefix}${index}`);

beforeAll(async () => {
  server = await harness.start();
  if (!server) return;
  connection = server.connection as pg.PoolConfig;
  newPool();
  console.log(`postgres harness: initdb ${timings.initdbMs.toFixed(0)} ms, start ${timings.startMs.toFixed(0)} ms`);
}, 120_000);

afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.end()));
  await server?.stop();
}, 60_000);

describe("postgres store: names text cannot hold", () => {
  const awkward = ["\u0000", "a\u0000b", "\uD800", "\uDC00", "\uDC00\uD800", "\u0001", "\u0001abc", "🧪", "plain"];

  test("are stored escaped, one to one, and read back as they were", () => {
    expect(awkward.map((text) => decodeText(encodeText(text)))).toEqual(awkward);
    expect(new Set(awkward.map(encodeText)).size).toBe(awkward.length);
    // The usual names are stored as they are.
    expect(["plain", "🧪", "ünï"].map(encodeText)).toEqual(["plain", "🧪", "ünï"]);
  });

  test("lone surrogates and long multi-byte unit ids do not meet in one row", async (context) => {
    if (!server) return context.skip("no PostgreSQL here");
    const store = postgresStore(newPool(), { schema: "names" });
    await store.enable("e");
    const ids = [...awkward, "é".repeat(4096), "é".repeat(4095) + "e"];
    const requests = ids.map((id, index) => request("e", id, VARIANTS[index % 3]!));
    expect(await store.assign(requests)).toEqual(requests.map(({ variant }) => ({ variant, stored: true })));
    for (const [index, id] of ids.entries())
      expect((await store.readUnit(id, ["e"], [])).experiments[0]!.variant).toBe(VARIANTS[index % 3]);
  });
});

describe("postgres store", () => {
  test("creates its schema if missing, once, however many processes set it up at once", async (context) => {
    if (!server) return context.skip("no PostgreSQL here");
    const stores = Array.from({ length: 5 }, () => postgresStore(newPool(), { schema: "setup_race" }));
    await Promise.all(stores.map((store) => store.setup()));
    // And again, now that it is there: the check finds it and changes nothing.
    await Promise.all(stores.map((store) => store.setup()));
    await postgresStore(newPool(), { schema: "setup_race" }).setup();
    const tables = await sql("SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY 1", ["setup_race"]);
    expect(tables.map((row) => row.tablename)).toEqual(["arm_stats", "assignments", "experiments"]);
    const functions = await sql("SELECT count(*)::int AS n FROM pg_proc WHERE pronamespace = to_regnamespace($1)", [
      '"setup_race"',
    ]);
    expect(functions[0].n).toBe(10);
    await stores[0]!.enable("e");
    expect(await stores[4]!.isEnabled("e")).toBe(true);
  });

  test("lives in the schema it is given, whatever its name, which is never SQL", async (context) => {
    if (!server) return context.skip("no PostgreSQL here");
    await sql("CREATE TABLE IF NOT EXISTS public.x (id int)");
    const store = postgresStore(newPool(), { schema: AWKWARD });
    await store.enable("e");
    expect(await store.assign([request("e", "u", "a")])).toEqual([{ variant: "a", stored: true }]);
    expect((await store.readUnit("u", ["e"], ["e"])).stats[0]).toEqual({
      a: { assigned: 1, count: 0, sum: 0, successes: 0 },
    });
    expect(await sql("SELECT to_regclass('public.x') IS NOT NULL AS kept")).toEqual([{ kept: true }]);
    expect(await sql("SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = $1", [AWKWARD])).toEqual([{ n: 1 }]);
  });

  test("refuses, by rejecting, a schema name PostgreSQL would cut short or cannot hold", async (context) => {
    if (!server) return context.skip("no PostgreSQL here");
    for (const schema of ["", "x".repeat(64), "nul\0", "\uD800", 42 as unknown as string]) {
      const store = postgresStore(newPool(), { schema });
      await expect(store.setup(), JSON.stringify(schema)).rejects.toThrow(/schema/);
      await expect(store.isEnabled("e")).rejects.toThrow(/schema/);
    }
    // 63 bytes is the longest name, counted in UTF-8.
    await postgresStore(newPool(), { schema: "é".repeat(31) + "x" }).setup();
  });

  test("two schemas on one server are two stores", async (context) => {
    if (!server) return context.skip("no PostgreSQL here");
    const one = postgresStore(newPool(), { schema: "app_one" });
    const two = postgresStore(newPool(), { schema: "app_two" });
    await Promise.all([one.enable("e"), two.enable("e")]);
    await one.assign([request("e", "u", "a")]);
    await two.assign([request("e", "u", "b")]);
    expect((await one.readUnit("u", ["e"], [])).experiments).toEqual([{ enabled: true, variant: "a" }]);
    expect((await two.readUnit("u", ["e"], [])).experiments).toEqual([{ enabled: true, variant: "b" }]);
    await one.disable("e");
    expect(await one.isEnabled("e")).toBe(false);
    expect((await two.readUnit("u", ["e"], ["e"])).stats).toEqual([
      { b: { assigned: 1, count: 0, sum: 0, successes: 0 } },
    ]);
  });

  test("two versions of an app share one schema during a deploy", async (context) => {
    if (!server) return context.skip("no PostgreSQL here");
    // The new version drops variant b and adds c.
    const before = ["control", "a", "b"];
    const after = ["control", "a", "c"];
    const [old, next] = await Promise.all(
      [0, 1].map(async () => {
        const store = postgresStore(newPool(), { schema: "deploy" });
        await store.setup();
        return store;
      }),
    );
    await old!.enable("e");
    await old!.assign([request("e", "ub", "b", before), request("e", "ua", "a", before)]);
    // The new version replaces b, which it does not have, and keeps a, which both have.
    expect(await next!.assign([request("e", "ub", "c", after), request("e", "ua", "control", after)])).toEqual([
      { variant: "c", stored: true },
      { variant: "a", stored: false },
    ]);
    // The old version, finishing a unit the new one assigned to c, takes it without counting c.
    expect(await old!.complete("e", "ub", WIN, before)).toBe("c");
    expect(await next!.complete("e", "ua", WIN, after)).toBe("a");
    expect((await old!.readStats(["e"]))[0]).toEqual({
      a: { assigned: 1, count: 1, sum: 1, successes: 1 },
      b: { assigned: 1, count: 0, sum: 0, successes: 0 },
      c: { assigned: 1, count: 0, sum: 0, successes: 0 },
    });
    // Both versions run the full loop on the same experiment at once.
    const docs = (variants: string[]) => [experimentDoc("loop", variants, { kind: "random" })];
    const apps = [createExperiments(docs(before), { store: old }), createExperiments(docs(after), { store: next })];
    expect(await apps[0]!.enable("loop")).toBe(true);
    const served = await Promise.all(
      units(100).map(async (unit, index) => {
        const app = apps[index % 2]!;
        const picks = await app.forUnit(unit);
        const { variant, reason } = picks.assignment("loop");
        await app.flush();
        return { variant, reason, result: await app.complete("loop", unit, 1) };
      }),
    );
    expect(served.every(({ reason }) => reason === "SPLIT")).toBe(true);
    expect(served.every(({ result }) => result.rewarded)).toBe(true);
    const stats = (await old!.readStats(["loop"]))[0]!;
    expect(Object.values(stats).reduce((sum, arm) => sum + arm.count, 0)).toBe(100);
  });

  test("reads a unit's 50 experiments and their statistics in one statement; assigns 50 in one", async (context) => {
    if (!server) return context.skip("no PostgreSQL here");
    const statements: string[] = [];
    const store = postgresStore(
      newPool((text) => statements.push(text)),
      { schema: "counted" },
    );
    await store.setup();
    const names = units(50, "experiment ");
    await Promise.all(names.map((name) => store.enable(name)));
    statements.length = 0;
    expect(await store.assign(names.map((name, index) => request(name, "unit", VARIANTS[index % 3]!)))).toHaveLength(
      50,
    );
    expect(statements).toHaveLength(1);
    statements.length = 0;
    const read = await store.readUnit("unit", names, names);
    expect(statements).toHaveLength(1);
    expect(read.experiments.map(({ variant }) => variant)).toEqual(names.map((_, index) => VARIANTS[index % 3]));
    expect(read.stats[49]).toEqual({ [VARIANTS[49 % 3]!]: { assigned: 1, count: 0, sum: 0, successes: 0 } });
  });

  test("1,000 concurrent completions from two processes reward each of 1,000 units exactly once, in few statements", async (context) => {
    if (!server) return context.skip("no PostgreSQL here");
    const statements: string[] = [];
    const one = postgresStore(
      newPool((text) => statements.push(text)),
      { schema: "rewards" },
    );
    const two = postgresStore(newPool(), { schema: "rewards" });
    await one.enable("e");
    const ids = units(1000);
    await one.assign(ids.map((id, index) => request("e", id, VARIANTS[index % 3]!)));
    statements.length = 0;
    const taken = await Promise.all(
      ids.flatMap((id) => [one, two].map((store) => store.complete("e", id, { score: 0.25, success: 1 }, VARIANTS))),
    );
    expect(statements.length).toBeLessThanOrEqual(10);
    for (const [index] of ids.entries()) {
      const pair = taken.slice(index * 2, index * 2 + 2);
      expect(pair.filter((variant) => variant !== undefined)).toEqual([VARIANTS[index % 3]]);
    }
    const stats = (await one.readStats(["e"]))[0]!;
    expect([stats["control"]?.count, stats["a"]?.count, stats["b"]?.count]).toEqual([334, 333, 333]);
    expect(Object.values(stats).reduce((sum, arm) => sum + arm.sum, 0)).toBe(250);
  });

  test("writes in flight when an experiment is disabled leave nothing behind", async (context) => {
    if (!server) return context.skip("no PostgreSQL here");
    const writers = [0, 1, 2].map(() => postgresStore(newPool(), { schema: "disable_race" }));
    const admin = postgresStore(newPool(), { schema: "disable_race" });
    await admin.enable("e");
    const ids = units(300);
    let storedBefore = 0;
    let storedAfter = 0;
    let disabled = false;
    let enoughStored: () => void;
    const started = new Promise<void>((resolve) => (enoughStored = resolve));
    const writes = ids.map(async (id, index) => {
      const store = writers[index % 3]!;
      for (const variant of [VARIANTS[index % 3]!, "a"]) {
        const after = disabled;
        const { stored } = (await store.assign([request("e", id, variant)]))[0]!;
        if (stored && after) storedAfter++;
        else if (stored && ++storedBefore === 50) enoughStored();
        await store.complete("e", id, WIN, VARIANTS);
      }
    });
    await started;
    await admin.disable("e");
    disabled = true;
    await Promise.all(writes);
    // The race was run: writes landed before the disable, and none that was sent after it.
    expect(storedBefore).toBeGreaterThanOrEqual(50);
    expect(storedAfter).toBe(0);
    expect(await admin.isEnabled("e")).toBe(false);
    expect(await admin.readStats(["e"])).toEqual([{}]);
    expect(await sql(`SELECT count(*)::int AS n FROM disable_race.assignments`)).toEqual([{ n: 0 }]);
  });

  test("the loop of createExperiments: enable, pick, complete, results", async (context) => {
    if (!server) return context.skip("no PostgreSQL here");
    const store = postgresStore(newPool(), { schema: "loop" });
    const errors: unknown[] = [];
    const exposures: string[] = [];
    const experiments = createExperiments([experimentDoc("checkout", VARIANTS, { kind: "thompson" })], {
      store,
      onError: (error) => errors.push(error),
      onExposure: ({ unitId }) => exposures.push(unitId),
    });
    expect(await experiments.enable("checkout")).toBe(true);
    const ids = units(200);
    const picked = await Promise.all(
      ids.map(async (id) => (await experiments.forUnit(id)).pick("checkout.value" as never) as string),
    );
    await experiments.flush();
    expect(exposures.sort()).toEqual([...ids].sort());
    // Sticky: the same units read back the same variants.
    expect(await Promise.all(ids.map((id) => experiments.pick(id, "checkout.value" as never)))).toEqual(picked);
    const completed = await Promise.all(ids.map((id, index) => experiments.complete("checkout", id, index % 2)));
    expect(completed.every((result) => result.rewarded)).toBe(true);
    const results = await resultsOf(experiments, "checkout");
    expect(results.enabled).toBe(true);
    expect(results.variants.reduce((sum, variant) => sum + variant.completed, 0)).toBe(200);
    expect(errors).toEqual([]);
    expect(await experiments.disable("checkout")).toBe(true);
    expect((await experiments.forUnit("u0")).assignment("checkout").reason).toBe("DISABLED");
  });

  test("a killed server: calls fail fast, picks still return, acknowledged rewards survive the restart", async (context) => {
    if (!server) return context.skip("no PostgreSQL here");
    const store = postgresStore(newPool(), { schema: "outage" });
    let failures = 0;
    const experiments = createExperiments([experimentDoc("e", VARIANTS)], {
      store,
      onError: () => failures++,
    });
    await experiments.enable("e");
    let acknowledged = 0;
    let stop = false;
    let next = 0;
    let slowest = 0;
    const worker = async () => {
      while (!stop) {
        const unit = `u${next++}`;
        const began = performance.now();
        (await experiments.forUnit(unit)).assignment("e");
        await experiments.flush();
        if ((await experiments.complete("e", unit, 1)).rewarded) acknowledged++;
        slowest = Math.max(slowest, performance.now() - began);
      }
    };
    const workers = Array.from({ length: 16 }, worker);
    await new Promise((resolve) => setTimeout(resolve, 300));
    slowest = 0;
    await server.kill();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // A unit's whole loop (read, write, complete) is three calls, each bounded by the 1000 ms store timeout.
    expect(slowest).toBeLessThan(3000);
    const failedWhileDown = failures;
    expect(failedWhileDown).toBeGreaterThan(0);
    await server.restart();
    console.log(`postgres harness: restart with crash recovery ${timings.restartMs.toFixed(0)} ms`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    stop = true;
    await Promise.all(workers);
    const stats = (await store.readStats(["e"]))[0]!;
    const stored = Object.values(stats).reduce((sum, arm) => sum + arm.count, 0);
    expect(stored).toBeGreaterThanOrEqual(acknowledged);
    expect(acknowledged).toBeGreaterThan(0);
    console.log(
      `postgres outage: ${acknowledged} rewards acknowledged, ${stored} stored; ${failedWhileDown} failures reported` +
        ` while down; slowest unit loop while down ${slowest.toFixed(0)} ms`,
    );
    // After the restart the store serves again.
    const after = await experiments.forUnit("after");
    expect(after.assignment("e").reason).toBe("SPLIT");
  }, 60_000);
});
