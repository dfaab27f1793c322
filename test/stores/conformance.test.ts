import {
  createExperiments,
  type ArmStats,
  type AssignRequest,
  type ExperimentStats,
  type ExperimentStore,
  type Reward,
} from "prosper-runtime";
import { results as resultsOf } from "prosper-runtime/results";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { experimentDoc } from "../support/experiment-store.js";
import type { OpenedStore, RunningServer } from "./harness.js";
import { freshNamespace, harnesses } from "./harnesses.js";

/**
 * The ExperimentStore contract, run for every kind of store against a server of its own: the
 * memory store's semantics (runtime/experiments/store.ts) are the reference, and every store
 * must answer as it does, whatever the names, namespaces and interleavings.
 */

const ZERO: ArmStats = { assigned: 0, count: 0, sum: 0, successes: 0 };
const VARIANTS = ["control", "a", "b"] as const;
const WIN: Reward = { score: 1, success: 1 };

/** A variant's statistics, zeros when the store has none. */
const arm = (stats: ExperimentStats | undefined, variant: string): ArmStats => ({ ...ZERO, ...stats?.[variant] });

/** The statistics with the all-zero variants left out: a store may or may not keep those. */
const nonZero = (stats: ExperimentStats | undefined) =>
  Object.fromEntries(
    Object.entries(stats ?? {}).filter(
      ([, { assigned, count, sum, successes }]) => assigned || count || sum || successes,
    ),
  );

const request = (
  experiment: string,
  unitId: string,
  variant: string,
  variants: readonly string[] = VARIANTS,
): AssignRequest => ({ experiment, unitId, variant, variants });

/** The unit's stored variant in each experiment. */
const storedVariants = async (store: ExperimentStore, unitId: string, experiments: readonly string[]) =>
  (await store.readUnit(unitId, experiments, [])).experiments.map((state) => state.variant);

for (const { kind, harness } of harnesses) {
  describe(`${kind} store: the ExperimentStore contract`, () => {
    let server: RunningServer | undefined;
    let opened: OpenedStore[] = [];
    let namespace = "";
    /** A store on a fresh namespace of its own, opened for each test. */
    let store: ExperimentStore;

    /** Another client of the server, in `at` (this test's namespace by default). */
    const open = async (at = namespace) => {
      const next = await server!.open(at);
      opened.push(next);
      return next.store;
    };

    beforeAll(async () => {
      server = await harness.start();
      if (!server)
        console.warn(
          `SKIPPED the ${kind} store contract: its server is not installed here` +
            " (with CI or PROSPER_REQUIRE_STORES=1 set, that fails instead).",
        );
    }, 120_000);

    afterAll(async () => {
      await server?.stop();
    }, 60_000);

    beforeEach(async (context) => {
      if (!server) return context.skip(`no ${kind} server here`);
      namespace = freshNamespace(`contract_${kind}`);
      store = await open();
    });

    afterEach(async () => {
      const closing = opened;
      opened = [];
      await Promise.all(closing.map((each) => each.close()));
    });

    test("enable, isEnabled and disable", async () => {
      expect(await store.isEnabled("e")).toBe(false);
      await store.enable("e");
      expect(await store.isEnabled("e")).toBe(true);
      await store.enable("e");
      expect(await store.isEnabled("e")).toBe(true);
      expect(await store.isEnabled("other")).toBe(false);
      await store.disable("e");
      expect(await store.isEnabled("e")).toBe(false);
      await store.disable("e");
      await store.disable("never-enabled");
      expect(await store.isEnabled("never-enabled")).toBe(false);
      await store.enable("e");
      expect(await store.isEnabled("e")).toBe(true);
    });

    test("writes to an experiment that was never enabled change nothing", async () => {
      expect(await store.assign([request("e", "u", "a")])).toEqual([{ variant: "a", stored: false }]);
      expect(await store.complete("e", "u", WIN, VARIANTS)).toBeUndefined();
      expect(await store.readUnit("u", ["e"], ["e"])).toEqual({
        experiments: [{ enabled: false, variant: undefined }],
        stats: [{}],
      });
      expect(nonZero((await store.readStats(["e"]))[0])).toEqual({});
      expect(await store.isEnabled("e")).toBe(false);
    });

    test("writes to a disabled experiment change nothing, and do not bring its state back", async () => {
      await store.enable("e");
      expect(await store.assign([request("e", "u", "a")])).toEqual([{ variant: "a", stored: true }]);
      await store.disable("e");
      expect(await store.assign([request("e", "u2", "b")])).toEqual([{ variant: "b", stored: false }]);
      expect(await store.complete("e", "u", WIN, VARIANTS)).toBeUndefined();
      expect(await store.complete("e", "u2", WIN, VARIANTS)).toBeUndefined();
      expect(await store.readUnit("u", ["e"], ["e"])).toEqual({
        experiments: [{ enabled: false, variant: undefined }],
        stats: [{}],
      });
      expect(await storedVariants(store, "u2", ["e"])).toEqual([undefined]);
      expect(nonZero((await store.readStats(["e"]))[0])).toEqual({});
      // Enabled again, it starts from nothing.
      await store.enable("e");
      expect(await storedVariants(store, "u", ["e"])).toEqual([undefined]);
      expect(nonZero((await store.readStats(["e"]))[0])).toEqual({});
      expect(await store.complete("e", "u", WIN, VARIANTS)).toBeUndefined();
    });

    test("readUnit: one state per experiment asked for, in order, unknown ones included; statistics in the order asked", async () => {
      const names = Array.from({ length: 12 }, (_, index) => `e${index}`);
      for (const [index, name] of names.entries()) if (index % 2 === 0) await store.enable(name);
      // The unit has a variant in every enabled experiment whose index is a multiple of 4.
      await store.assign(
        names.filter((_, index) => index % 4 === 0).map((name, index) => request(name, "u", VARIANTS[index % 3]!)),
      );
      await store.assign([request("e2", "someone else", "b")]);
      const asked = ["e11", "unknown", "e0", "e4", "e3", "e8", "e2", "e0", "e10"];
      const read = await store.readUnit("u", asked, ["e2", "unknown", "e0", "e7", "e8"]);
      expect(read.experiments).toEqual([
        { enabled: false, variant: undefined },
        { enabled: false, variant: undefined },
        { enabled: true, variant: "control" },
        { enabled: true, variant: "a" },
        { enabled: false, variant: undefined },
        { enabled: true, variant: "b" },
        { enabled: true, variant: undefined },
        { enabled: true, variant: "control" },
        { enabled: true, variant: undefined },
      ]);
      expect(read.stats.map(nonZero)).toEqual([
        { b: { ...ZERO, assigned: 1 } },
        {},
        { control: { ...ZERO, assigned: 1 } },
        {},
        { b: { ...ZERO, assigned: 1 } },
      ]);
      expect(await store.readUnit("u", [], [])).toEqual({ experiments: [], stats: [] });
      expect(await store.readUnit("nobody", ["e0"], [])).toEqual({
        experiments: [{ enabled: true, variant: undefined }],
        stats: [],
      });
    });

    test("assign is set-if-absent, and counts `assigned` only when it stores", async () => {
      await store.enable("e");
      expect(await store.assign([request("e", "u", "a")])).toEqual([{ variant: "a", stored: true }]);
      for (const variant of ["b", "control", "a"])
        expect(await store.assign([request("e", "u", variant)])).toEqual([{ variant: "a", stored: false }]);
      expect(await storedVariants(store, "u", ["e"])).toEqual(["a"]);
      const [stats] = await store.readStats(["e"]);
      expect(nonZero(stats)).toEqual({ a: { ...ZERO, assigned: 1 } });
      await store.assign(Array.from({ length: 10 }, (_, index) => request("e", `u${index}`, "b")));
      expect(arm((await store.readStats(["e"]))[0], "b")).toEqual({ ...ZERO, assigned: 10 });
    });

    test("assign replaces a stored variant the experiment no longer has", async () => {
      await store.enable("e");
      const old = ["control", "retired"];
      expect(await store.assign([request("e", "u", "retired", old)])).toEqual([{ variant: "retired", stored: true }]);
      expect(await store.assign([request("e", "u", "a")])).toEqual([{ variant: "a", stored: true }]);
      expect(await storedVariants(store, "u", ["e"])).toEqual(["a"]);
      // An old client still running keeps the old list: for it, "a" is the one to replace.
      expect(await store.assign([request("e", "u", "retired", old)])).toEqual([{ variant: "retired", stored: true }]);
      const [stats] = await store.readStats(["e"]);
      expect(nonZero(stats)).toEqual({ retired: { ...ZERO, assigned: 2 }, a: { ...ZERO, assigned: 1 } });
    });

    test("a batch: one answer per request, in order, duplicates of one unit included", async () => {
      await store.enable("e");
      await store.enable("f");
      await store.assign([request("e", "had-b", "b")]);
      const answers = await store.assign([
        request("e", "u1", "a"),
        request("e", "u2", "b"),
        request("e", "u1", "b"),
        request("off", "u1", "a"),
        request("e", "u2", "a"),
        request("f", "u1", "control"),
        request("e", "had-b", "a"),
        request("e", "u3", "retired", ["control", "retired"]),
        request("e", "u3", "a"),
        request("e", "u3", "b"),
        request("e", "u1", "control"),
      ]);
      expect(answers).toEqual([
        { variant: "a", stored: true },
        { variant: "b", stored: true },
        { variant: "a", stored: false },
        { variant: "a", stored: false },
        { variant: "b", stored: false },
        { variant: "control", stored: true },
        { variant: "b", stored: false },
        { variant: "retired", stored: true },
        { variant: "a", stored: true },
        { variant: "a", stored: false },
        { variant: "a", stored: false },
      ]);
      expect(await storedVariants(store, "u1", ["e", "f", "off"])).toEqual(["a", "control", undefined]);
      expect(await storedVariants(store, "u3", ["e"])).toEqual(["a"]);
      const [e, f, off] = await store.readStats(["e", "f", "off"]);
      expect(nonZero(e)).toEqual({
        a: { ...ZERO, assigned: 2 },
        b: { ...ZERO, assigned: 2 },
        retired: { ...ZERO, assigned: 1 },
      });
      expect(nonZero(f)).toEqual({ control: { ...ZERO, assigned: 1 } });
      expect(nonZero(off)).toEqual({});
      expect(await store.assign([])).toEqual([]);
    });

    test("a large batch: 2,000 requests, half of them repeats", async () => {
      await store.enable("e");
      const requests = Array.from({ length: 2000 }, (_, index) =>
        request("e", `u${index % 1000}`, VARIANTS[Math.floor(index / 1000) + (index % 2)]!),
      );
      const answers = await store.assign(requests);
      expect(answers).toHaveLength(2000);
      answers.forEach((answer, index) =>
        expect(answer).toEqual(
          index < 1000
            ? { variant: requests[index]!.variant, stored: true }
            : { variant: requests[index - 1000]!.variant, stored: false },
        ),
      );
      const [stats] = await store.readStats(["e"]);
      expect(arm(stats, "control").assigned + arm(stats, "a").assigned + arm(stats, "b").assigned).toBe(1000);
    });

    test("racing assigns of one unit from two clients: one stores, both answer its variant", async () => {
      await store.enable("e");
      const other = await open();
      const units = Array.from({ length: 100 }, (_, index) => `u${index}`);
      const raced = await Promise.all(
        units.map((unit) =>
          Promise.all([store.assign([request("e", unit, "a")]), other.assign([request("e", unit, "b")])]),
        ),
      );
      for (const [[first], [second]] of raced) {
        expect([first!.stored, second!.stored].filter(Boolean)).toHaveLength(1);
        expect(first!.variant).toBe(second!.variant);
      }
      const [stats] = await store.readStats(["e"]);
      expect(arm(stats, "a").assigned + arm(stats, "b").assigned).toBe(100);
    });

    test("complete takes the assignment once and adds the reward to its variant", async () => {
      await store.enable("e");
      await store.assign([request("e", "u", "a")]);
      expect(await store.complete("e", "u", { score: 0.75, success: 1 }, VARIANTS)).toBe("a");
      expect(await storedVariants(store, "u", ["e"])).toEqual([undefined]);
      expect(await store.complete("e", "u", WIN, VARIANTS)).toBeUndefined();
      expect(await store.complete("e", "nobody", WIN, VARIANTS)).toBeUndefined();
      expect(nonZero((await store.readStats(["e"]))[0])).toEqual({
        a: { assigned: 1, count: 1, sum: 0.75, successes: 1 },
      });
      // Assigned again after completing, the unit counts again.
      expect(await store.assign([request("e", "u", "b")])).toEqual([{ variant: "b", stored: true }]);
      expect(arm((await store.readStats(["e"]))[0], "b")).toEqual({ ...ZERO, assigned: 1 });
    });

    test("complete increments count, sum and successes exactly", async () => {
      await store.enable("e");
      const rewards: Reward[] = [
        { score: 0, success: 0 },
        { score: 0.25, success: 0 },
        { score: 0.5, success: 1 },
        { score: 1, success: 1 },
        { score: 0.125, success: 1 },
        { score: 0.1, success: 0 },
      ];
      await store.assign(rewards.map((_, index) => request("e", `u${index}`, "b")));
      for (const [index, reward] of rewards.entries())
        expect(await store.complete("e", `u${index}`, reward, VARIANTS)).toBe("b");
      const b = arm((await store.readStats(["e"]))[0], "b");
      expect(b).toEqual({ assigned: 6, count: 6, sum: b.sum, successes: 3 });
      expect(b.sum).toBeCloseTo(1.975, 12);
    });

    test("two racing completes of one unit: exactly one gets the variant", async () => {
      await store.enable("e");
      const other = await open();
      const units = Array.from({ length: 50 }, (_, index) => `u${index}`);
      await store.assign(units.map((unit, index) => request("e", unit, VARIANTS[index % 3]!)));
      const raced = await Promise.all(
        units.map((unit) =>
          Promise.all([store.complete("e", unit, WIN, VARIANTS), other.complete("e", unit, WIN, VARIANTS)]),
        ),
      );
      raced.forEach(([first, second], index) => {
        expect([first, second].filter((taken) => taken !== undefined)).toEqual([VARIANTS[index % 3]]);
      });
      const [stats] = await store.readStats(["e"]);
      expect(VARIANTS.map((variant) => arm(stats, variant).count)).toEqual([17, 17, 16]);
    });

    test("complete rewards only a variant the experiment has now, but takes the assignment anyway", async () => {
      await store.enable("e");
      await store.assign([request("e", "u", "retired", ["control", "retired"])]);
      expect(await store.complete("e", "u", WIN, VARIANTS)).toBe("retired");
      expect(await storedVariants(store, "u", ["e"])).toEqual([undefined]);
      expect(nonZero((await store.readStats(["e"]))[0])).toEqual({ retired: { ...ZERO, assigned: 1 } });
    });

    test("readStats: each experiment's statistics, in order, unknown ones empty", async () => {
      await store.enable("e");
      await store.enable("f");
      await store.assign([request("e", "u", "a"), request("f", "u", "control"), request("f", "v", "b")]);
      await store.complete("f", "v", { score: 0.5, success: 0 }, VARIANTS);
      const stats = await store.readStats(["f", "unknown", "e", "f"]);
      expect(stats.map(nonZero)).toEqual([
        { control: { ...ZERO, assigned: 1 }, b: { assigned: 1, count: 1, sum: 0.5, successes: 0 } },
        {},
        { a: { ...ZERO, assigned: 1 } },
        { control: { ...ZERO, assigned: 1 }, b: { assigned: 1, count: 1, sum: 0.5, successes: 0 } },
      ]);
      expect(await store.readStats([])).toEqual([]);
    });

    test("disable deletes the experiment's assignments and statistics, and only its own", async () => {
      await store.enable("e");
      await store.enable("f");
      const units = Array.from({ length: 20 }, (_, index) => `u${index}`);
      await store.assign(
        units.flatMap((unit, index) => [request("e", unit, VARIANTS[index % 3]!), request("f", unit, "a")]),
      );
      for (const unit of units.slice(0, 5)) await store.complete("e", unit, WIN, VARIANTS);
      await store.disable("e");
      expect(nonZero((await store.readStats(["e"]))[0])).toEqual({});
      for (const unit of units) expect(await storedVariants(store, unit, ["e", "f"])).toEqual([undefined, "a"]);
      expect(nonZero((await store.readStats(["f"]))[0])).toEqual({ a: { ...ZERO, assigned: 20 } });
      await store.enable("e");
      expect(nonZero((await store.readStats(["e"]))[0])).toEqual({});
      expect(await store.assign([request("e", "u0", "b")])).toEqual([{ variant: "b", stored: true }]);
    });

    test("hostile names: unit ids, experiment and variant names are data, never syntax", async () => {
      const units = [
        "a:b",
        "{u}",
        "}{",
        "a}:{b",
        `'"\``,
        "🧪 unit 👩‍🔬",
        "x".repeat(4096),
        "",
        " ",
        "\\",
        "%s %d",
        "line\nbreak\ttab\r",
        "null",
        "__proto__",
        "constructor",
        "*",
        "?",
        "[a-z]",
        "$1",
        "'; DROP TABLE assignments; --",
      ];
      const experiments = ["with space", `quote's "double"`, "ünïcødé 実験 🧪", "a:b{c}", "*", "constructor"];
      const variants = ["con trol", "it's", `"quoted"`, "🧪 variant", "{v}", "constructor", "v:1"];
      for (const experiment of experiments) await store.enable(experiment);
      const requests = experiments.flatMap((experiment, e) =>
        units.map((unit, u) => request(experiment, unit, variants[(e + u) % variants.length]!, variants)),
      );
      expect(await store.assign(requests)).toEqual(requests.map(({ variant }) => ({ variant, stored: true })));
      for (const [u, unit] of units.entries())
        expect(await storedVariants(store, unit, experiments)).toEqual(
          experiments.map((_, e) => variants[(e + u) % variants.length]),
        );
      for (const [e, experiment] of experiments.entries())
        for (const [u, unit] of units.entries())
          expect(await store.complete(experiment, unit, { score: 0.5, success: 1 }, variants)).toBe(
            variants[(e + u) % variants.length],
          );
      const stats = await store.readStats(experiments);
      for (const [e, experiment] of experiments.entries()) {
        const expected: Record<string, ArmStats> = {};
        for (const u of units.keys()) {
          const variant = variants[(e + u) % variants.length]!;
          const was = Object.hasOwn(expected, variant) ? expected[variant]! : ZERO;
          expected[variant] = {
            assigned: was.assigned + 1,
            count: was.count + 1,
            sum: was.sum + 0.5,
            successes: was.successes + 1,
          };
        }
        expect(nonZero(stats[experiments.indexOf(experiment)]), experiment).toEqual(expected);
      }
      await store.disable("a:b{c}");
      expect(await store.isEnabled("a:b{c}")).toBe(false);
      expect(await store.isEnabled("with space")).toBe(true);
      expect(await store.isEnabled("*")).toBe(true);
    });

    test("a unit id with a NUL character, which the runtime accepts", async () => {
      await store.enable("e");
      const units = ["nul\u0000inside", "nul", "\u0000"];
      expect(await store.assign(units.map((unit, index) => request("e", unit, VARIANTS[index]!)))).toEqual(
        VARIANTS.map((variant) => ({ variant, stored: true })),
      );
      for (const [index, unit] of units.entries())
        expect(await storedVariants(store, unit, ["e"])).toEqual([VARIANTS[index]]);
      expect(await store.complete("e", units[0]!, WIN, VARIANTS)).toBe("control");
    });

    test("hostile names do not collide: (x, y:z) is not (x:y, z), nor a prefix of one another", async () => {
      for (const experiment of ["x", "x:y", "x:", "xy"]) await store.enable(experiment);
      await store.assign([request("x", "y:z", "a"), request("x:", "z", "b")]);
      expect(await storedVariants(store, "z", ["x:y", "x", "x:"])).toEqual([undefined, undefined, "b"]);
      expect(await storedVariants(store, "y:z", ["x", "x:y", "xy"])).toEqual(["a", undefined, undefined]);
      expect(await storedVariants(store, "y", ["x", "x:"])).toEqual([undefined, undefined]);
      expect(await storedVariants(store, ":z", ["x"])).toEqual([undefined]);
      await store.disable("x");
      expect(await storedVariants(store, "z", ["x:"])).toEqual(["b"]);
      expect(nonZero((await store.readStats(["x:"]))[0])).toEqual({ b: { ...ZERO, assigned: 1 } });
    });

    test("namespaces on one server do not see each other", async () => {
      const elsewhere = freshNamespace(`contract_${kind}_other`);
      const other = await open(elsewhere);
      await store.enable("e");
      await store.assign([request("e", "u", "a")]);
      expect(await other.isEnabled("e")).toBe(false);
      expect(await other.readUnit("u", ["e"], ["e"])).toEqual({
        experiments: [{ enabled: false, variant: undefined }],
        stats: [{}],
      });
      expect(await other.complete("e", "u", WIN, VARIANTS)).toBeUndefined();
      await other.disable("e");
      expect(await store.isEnabled("e")).toBe(true);
      await other.enable("e");
      expect(await other.assign([request("e", "u", "b")])).toEqual([{ variant: "b", stored: true }]);
      expect(await other.complete("e", "u", WIN, VARIANTS)).toBe("b");
      expect(await storedVariants(store, "u", ["e"])).toEqual(["a"]);
      expect(nonZero((await store.readStats(["e"]))[0])).toEqual({ a: { ...ZERO, assigned: 1 } });
      expect(nonZero((await other.readStats(["e"]))[0])).toEqual({
        b: { assigned: 1, count: 1, sum: 1, successes: 1 },
      });
      // A second client on the first namespace sees its state.
      const again = await open(namespace);
      expect(await storedVariants(again, "u", ["e"])).toEqual(["a"]);
    });

    test("a second app version with other variants shares the namespace", async () => {
      const v1 = ["control", "a", "b"];
      const v2 = ["control", "a", "c"];
      const next = await open();
      await store.enable("e");
      await store.assign([request("e", "kept", "a", v1), request("e", "moved", "b", v1)]);
      // Version 2 keeps the variant both have, replaces the one it dropped.
      expect(await next.assign([request("e", "kept", "c", v2), request("e", "moved", "c", v2)])).toEqual([
        { variant: "a", stored: false },
        { variant: "c", stored: true },
      ]);
      // Version 1 completing a unit version 2 moved takes it, without a reward for a variant it lacks.
      expect(await store.complete("e", "moved", WIN, v1)).toBe("c");
      expect(await next.complete("e", "kept", WIN, v2)).toBe("a");
      expect(nonZero((await next.readStats(["e"]))[0])).toEqual({
        a: { assigned: 1, count: 1, sum: 1, successes: 1 },
        b: { ...ZERO, assigned: 1 },
        c: { ...ZERO, assigned: 1 },
      });
    });

    test("two app versions' clients on one namespace: the new one moves units off a variant it dropped", async () => {
      const errors: unknown[] = [];
      const onError = (error: unknown) => void errors.push(error);
      const v1 = createExperiments([experimentDoc("deploy", ["control", "a", "b"])], { store, onError });
      const v2 = createExperiments([experimentDoc("deploy", ["control", "a", "c"])], { store: await open(), onError });
      expect(await v1.enable("deploy")).toBe(true);
      const units = Array.from({ length: 60 }, (_, index) => `user-${index}`);
      const before = await Promise.all(units.map((unit) => v1.assign("deploy", unit)));
      expect(new Set(before.map(({ variant }) => variant))).toEqual(new Set(["control", "a", "b"]));
      const after = await Promise.all(units.map((unit) => v2.assign("deploy", unit)));
      for (const [index, { variant, reason }] of after.entries()) {
        expect(reason).toBe("SPLIT");
        if (before[index]!.variant === "b") expect(variant).not.toBe("b");
        else expect(variant).toBe(before[index]!.variant);
      }
      // Version 1 completing a unit that version 2 moved to "c" takes the assignment but rewards nothing.
      const completed = await Promise.all(units.map((unit) => v1.complete("deploy", unit, 1)));
      for (const [index, result] of completed.entries())
        expect(result.rewarded, units[index]).toBe(after[index]!.variant !== "c");
      const [stats] = await store.readStats(["deploy"]);
      const moved = before.filter(({ variant }) => variant === "b").length;
      expect(arm(stats, "b")).toEqual({ ...ZERO, assigned: moved });
      expect(arm(stats, "c").count).toBe(0);
      expect(arm(stats, "control").count + arm(stats, "a").count).toBe(
        60 - after.filter(({ variant }) => variant === "c").length,
      );
      expect(errors).toEqual([]);
    });

    test("the client loop: enable, forUnit and pick, complete, results", async () => {
      const errors: unknown[] = [];
      const doc = experimentDoc("loop", ["control", "a", "b"]);
      const client = createExperiments([doc], {
        store,
        onError: (error, where) => errors.push([where, error]),
        random: () => 0.5,
      });
      expect(await client.enable("loop")).toBe(true);
      expect(await client.isEnabled("loop")).toBe(true);
      const units = Array.from({ length: 100 }, (_, index) => `user-${index}`);
      const picked = await Promise.all(
        units.map(async (unit) => {
          const picks = await client.forUnit(unit);
          const value = picks.pick("loop.value");
          expect(picks.assignment("loop").reason).toBe("SPLIT");
          return value as string;
        }),
      );
      await client.flush();
      const stored = await Promise.all(units.map(async (unit) => (await storedVariants(store, unit, ["loop"]))[0]));
      expect(stored).toEqual(picked);
      // Sticky, for this client and for another one on the same namespace.
      const again = createExperiments([doc], { store: await open(), onError: (error) => errors.push(error) });
      for (const [index, unit] of units.entries()) {
        expect((await client.forUnit(unit)).pick("loop.value")).toBe(picked[index]);
        expect(await again.assign("loop", unit)).toMatchObject({ variant: picked[index], reason: "SPLIT" });
      }
      const scores = units.map((_, index) => (index % 5) / 4);
      const completed = await Promise.all(units.map((unit, index) => client.complete("loop", unit, scores[index]!)));
      expect(completed).toEqual(picked.map((variant) => ({ rewarded: true, variant })));
      expect(await client.complete("loop", units[0]!, 1)).toMatchObject({ rewarded: false });
      const results = await resultsOf(client, "loop");
      expect(results).toMatchObject({ experiment: "loop", enabled: true });
      for (const { variant, assigned, completed: count, mean } of results.variants) {
        const mine = units.map((_, index) => index).filter((index) => picked[index] === variant);
        expect({ variant, assigned, count }).toEqual({ variant, assigned: mine.length, count: mine.length });
        if (mine.length)
          expect(mean).toBeCloseTo(mine.reduce((sum, index) => sum + scores[index]!, 0) / mine.length, 12);
      }
      expect(results.variants.reduce((sum, variant) => sum + variant.assigned, 0)).toBe(100);
      expect(await client.disable("loop")).toBe(true);
      expect((await client.forUnit(units[0]!)).assignment("loop")).toMatchObject({
        variant: "control",
        reason: "DISABLED",
      });
      expect(nonZero((await store.readStats(["loop"]))[0])).toEqual({});
      expect(errors).toEqual([]);
    });
  });
}
