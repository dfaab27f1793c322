/**
 * The learning client's moving parts: the statistics cache (refreshed on a unit's one round trip),
 * onExposure (once per stored assignment), force (served, never stored or rewarded) and custom
 * algorithms (called with the arms, a unit-seeded random and the definition's parameters).
 */
import {
  createExperiments,
  memoryStore,
  murmur3,
  type AlgorithmJson,
  type Arm,
  type Exposure,
  type ExperimentStore,
  type JsonValue,
  type ReportError,
} from "prosper-runtime";
import { results as resultsOf } from "prosper-runtime/results";
import { afterEach, describe, expect, test, vi } from "vitest";
import {
  countingStore,
  experimentDoc,
  statsOf as statsIn,
  storedVariant as storedIn,
} from "../support/experiment-store.js";

const EXP = "exp";
const VALUE = `${EXP}.value`;
const statsOf = (store: ExperimentStore, experiment = EXP) => statsIn(store, experiment);
const storedVariant = (store: ExperimentStore, unitId: string, experiment = EXP) => storedIn(store, unitId, experiment);

afterEach(() => {
  vi.useRealTimers();
});

describe("the statistics cache", () => {
  const T0 = Date.UTC(2030, 0, 1);

  test("another process's rewards are seen after statsRefreshMs, read on a unit's one round trip", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
    const shared = memoryStore();
    const seen: Arm[][] = [];
    const spy = {
      choose: (arms: readonly Arm[]) => {
        seen.push(arms.map((arm) => ({ ...arm })));
        return 0;
      },
    };
    const algorithm: AlgorithmJson = { kind: "custom", name: "spy" };
    const counting = countingStore(shared);
    const first = createExperiments([experimentDoc(EXP, ["a", "b"], algorithm)], {
      store: counting.store,
      algorithms: { spy },
      statsRefreshMs: 1000,
      random: () => 0,
    });
    const second = createExperiments([experimentDoc(EXP, ["a", "b"], algorithm)], {
      store: shared,
      algorithms: { spy: { choose: () => 1 } },
      random: () => 0,
    });
    await first.enable(EXP);
    counting.reset();
    /** A new unit of the first process: its stats argument, and the arms its algorithm saw. */
    const newUnit = async (id: string) => {
      const before = counting.calls.length;
      const unit = await first.forUnit(id);
      unit.pick(VALUE);
      await first.flush();
      const read = counting.calls.slice(before).filter((call) => call.method === "readUnit");
      expect(read).toHaveLength(1);
      return { statsAsked: read[0]!.args[2], arms: seen.at(-1)! };
    };
    const counts = (arms: readonly Arm[]) => arms.map((arm) => [arm.assigned, arm.count]);

    // First unit: nothing cached yet, so the statistics ride on its readUnit.
    expect(await newUnit("p1")).toEqual({ statsAsked: [EXP], arms: expect.any(Array) });
    expect(counts(seen.at(-1)!)).toEqual([
      [0, 0],
      [0, 0],
    ]);

    // The second process assigns and rewards b twice.
    for (const id of ["q1", "q2"]) {
      expect((await second.assign(EXP, id)).variant).toBe("b");
      expect((await second.complete(EXP, id, 1)).rewarded).toBe(true);
    }

    // Within the interval: no statistics are read, and the first process sees only its own assignment.
    vi.setSystemTime(T0 + 500);
    const early = await newUnit("p2");
    expect(early.statsAsked).toEqual([]);
    expect(counts(early.arms)).toEqual([
      [1, 0],
      [0, 0],
    ]);
    vi.setSystemTime(T0 + 999);
    const late = await newUnit("p3");
    expect(late.statsAsked).toEqual([]);
    expect(counts(late.arms)).toEqual([
      [2, 0],
      [0, 0],
    ]);

    // Its own rewards count at once.
    expect((await first.complete(EXP, "p1", 1)).rewarded).toBe(true);
    const own = await newUnit("p4");
    expect(own.statsAsked).toEqual([]);
    expect(counts(own.arms)).toEqual([
      [3, 1],
      [0, 0],
    ]);

    // Due: the next unit's readUnit brings the store's statistics, the second process's included.
    vi.setSystemTime(T0 + 1000);
    const refreshed = await newUnit("p5");
    expect(refreshed.statsAsked).toEqual([EXP]);
    expect(refreshed.arms).toEqual([
      { name: "a", assigned: 4, count: 1, sum: 1, successes: 1 },
      { name: "b", assigned: 2, count: 2, sum: 2, successes: 2 },
    ]);
    // And not again until another interval has passed.
    vi.setSystemTime(T0 + 1999);
    expect((await newUnit("p6")).statsAsked).toEqual([]);
    vi.setSystemTime(T0 + 2000);
    expect((await newUnit("p7")).statsAsked).toEqual([EXP]);

    // Never a separate read: one readUnit per unit, one assign per pick, the completion, nothing else.
    expect(counting.of("readStats")).toHaveLength(0);
    expect(counting.of("isEnabled")).toHaveLength(0);
    expect(counting.of("readUnit")).toHaveLength(7);
    expect(new Set(counting.methods())).toEqual(new Set(["readUnit", "assign", "complete"]));
  });

  test("many new units within the interval cost one readUnit each and no statistics", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
    const counting = countingStore();
    const experiments = createExperiments(
      [
        experimentDoc("ucb", ["a", "b", "c"], { kind: "ucb1" }),
        experimentDoc("ts", ["a", "b"], { kind: "thompson" }),
        experimentDoc("split", ["a", "b"]),
      ],
      { store: counting.store, statsRefreshMs: 1000 },
    );
    for (const name of ["ucb", "ts", "split"] as const) await experiments.enable(name);
    counting.reset();
    for (let index = 0; index < 20; index++) {
      vi.setSystemTime(T0 + index * 10);
      const unit = await experiments.forUnit(`u${index}`);
      unit.pick("ucb.value");
      unit.pick("ts.value");
      unit.pick("split.value");
    }
    await experiments.flush();
    const reads = counting.of("readUnit");
    expect(reads).toHaveLength(20);
    // Only the learning experiments' statistics, and only on the first read.
    expect(reads.map((call) => call.args[2])).toEqual([["ucb", "ts"], ...Array.from({ length: 19 }, () => [])]);
    expect(counting.of("readStats")).toHaveLength(0);
  });
});

describe("onExposure", () => {
  async function exposing(options: { store?: ExperimentStore; throwing?: boolean } = {}) {
    const store = options.store ?? memoryStore();
    const exposures: Exposure[] = [];
    const onError = vi.fn<ReportError>();
    const experiments = createExperiments(
      [experimentDoc(EXP, ["a", "b", "c"], { kind: "ucb1" }), experimentDoc("other", ["x", "y"])],
      {
        store,
        onError,
        random: () => 0,
        onExposure: (exposure) => {
          exposures.push(exposure);
          if (options.throwing) throw new Error("analytics is down");
        },
      },
    );
    return { store, exposures, onError, experiments };
  }

  test("once per unit and experiment, when the assignment is first stored", async () => {
    const { exposures, experiments, onError } = await exposing();
    await experiments.enable(EXP);
    const unit = await experiments.forUnit("u1");
    const variant = unit.pick(VALUE);
    unit.pick(VALUE);
    unit.assignment(EXP);
    await experiments.flush();
    expect(exposures).toEqual([{ experiment: EXP, variant, unitId: "u1" }]);

    // Not on later picks, whichever way they come.
    const again = await experiments.forUnit("u1");
    expect(again.pick(VALUE)).toBe(variant);
    expect((await experiments.assign(EXP, "u1")).variant).toBe(variant);
    expect(await experiments.pick("u1", VALUE)).toBe(variant);
    await experiments.flush();
    expect(exposures).toHaveLength(1);

    // Again for a new assignment after complete.
    expect((await experiments.complete(EXP, "u1", 1)).rewarded).toBe(true);
    const next = await experiments.forUnit("u1");
    const nextVariant = next.pick(VALUE);
    await experiments.flush();
    expect(exposures).toEqual([
      { experiment: EXP, variant, unitId: "u1" },
      { experiment: EXP, variant: nextVariant, unitId: "u1" },
    ]);
    expect(onError).not.toHaveBeenCalled();
  });

  test("not for disabled experiments", async () => {
    const { exposures, experiments } = await exposing();
    const unit = await experiments.forUnit("u1");
    expect(unit.assignment(EXP).reason).toBe("DISABLED");
    expect((await experiments.assign("other", "u1")).reason).toBe("DISABLED");
    await experiments.flush();
    expect(exposures).toEqual([]);
  });

  test("not for a pick whose experiment was disabled after the unit was read", async () => {
    const { exposures, experiments, store, onError } = await exposing();
    await experiments.enable(EXP);
    const unit = await experiments.forUnit("u1");
    expect(await experiments.disable(EXP)).toBe(true);
    unit.pick(VALUE);
    await experiments.flush();
    expect(exposures).toEqual([]);
    expect(await storedVariant(store, "u1")).toBeUndefined();
    expect(await statsOf(store)).toEqual({});
    expect(onError).not.toHaveBeenCalled();
  });

  test("once, when one process reads the same unit twice before either pick is stored", async () => {
    const { exposures, experiments, store } = await exposing();
    await experiments.enable(EXP);
    const [one, two] = await Promise.all([experiments.forUnit("u"), experiments.forUnit("u")]);
    one.pick(VALUE);
    two.pick(VALUE);
    await experiments.flush();
    expect(exposures).toHaveLength(1);
    expect(await storedVariant(store, "u")).toBe(exposures[0]!.variant);
    // Both handles now serve what the store kept.
    expect(one.pick(VALUE)).toBe(exposures[0]!.variant);
    expect(two.pick(VALUE)).toBe(exposures[0]!.variant);
  });

  test("not for forced variants", async () => {
    const { exposures, experiments, store } = await exposing();
    await experiments.enable(EXP);
    expect(experiments.force(EXP, "b")).toBe(true);
    expect((await experiments.forUnit("u1")).assignment(EXP)).toMatchObject({ variant: "b", reason: "FORCED" });
    expect(await experiments.assign(EXP, "u2")).toMatchObject({ variant: "b", reason: "FORCED" });
    experiments.force(EXP, undefined);
    expect(experiments.force(EXP, "c", "u3")).toBe(true);
    expect(await experiments.assign(EXP, "u3")).toMatchObject({ variant: "c", reason: "FORCED" });
    await experiments.flush();
    expect(exposures).toEqual([]);
    expect(await statsOf(store)).toEqual({});
  });

  test("not when the store's assign fails", async () => {
    const base = memoryStore();
    const { exposures, experiments, onError } = await exposing({ store: countingStore(base, ["assign"]).store });
    await base.enable(EXP);
    const unit = await experiments.forUnit("u1");
    expect(unit.assignment(EXP).reason).toBe("SPLIT");
    await experiments.flush();
    expect(exposures).toEqual([]);
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: "assign is down" }), expect.any(String));
  });

  test("once, when two processes assign the same unit at the same time", async () => {
    const store = memoryStore();
    const first = await exposing({ store });
    const second = await exposing({ store });
    await first.experiments.enable(EXP);
    // Both read the unit before either has stored it.
    const [one, two] = await Promise.all([first.experiments.forUnit("u"), second.experiments.forUnit("u")]);
    one.pick(VALUE);
    two.pick(VALUE);
    await Promise.all([first.experiments.flush(), second.experiments.flush()]);
    expect(first.exposures.length + second.exposures.length).toBe(1);
    const [exposure] = [...first.exposures, ...second.exposures];
    expect(await storedVariant(store, "u")).toBe(exposure!.variant);
    expect(Object.values(await statsOf(store)).reduce((sum, arm) => sum + arm.assigned, 0)).toBe(1);
  });

  test("a throwing onExposure is reported, never thrown", async () => {
    const { exposures, experiments, onError, store } = await exposing({ throwing: true });
    await experiments.enable(EXP);
    const unit = await experiments.forUnit("u1");
    const variant = unit.pick(VALUE);
    await expect(experiments.flush()).resolves.toBeUndefined();
    expect(exposures).toHaveLength(1);
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: "analytics is down" }), "onExposure");
    // The assignment was stored all the same, and everything else goes on.
    expect(await storedVariant(store, "u1")).toBe(variant);
    await expect(experiments.assign(EXP, "u2")).resolves.toMatchObject({ reason: "SPLIT" });
    await expect(experiments.pick("u3", VALUE)).resolves.toBeDefined();
    expect(await experiments.complete(EXP, "u1", 1)).toEqual({ rewarded: true, variant });
  });

  test("exposures add up to the assignments results() counts", async () => {
    const { exposures, experiments } = await exposing();
    await experiments.enable(EXP);
    await experiments.enable("other");
    for (let index = 0; index < 60; index++) {
      const id = `u${index % 25}`;
      const unit = await experiments.forUnit(id);
      unit.pick(VALUE);
      if (index % 2) unit.pick("other.value");
      if (index % 3 === 0) await experiments.complete(EXP, id, index % 5 === 0 ? 1 : 0);
    }
    await experiments.flush();
    for (const name of [EXP, "other"] as const) {
      const assigned = (await resultsOf(experiments, name)).variants.reduce(
        (sum, variant) => sum + variant.assigned,
        0,
      );
      const exposed = exposures.filter((exposure) => exposure.experiment === name);
      expect(exposed.length, name).toBe(assigned);
      expect(assigned).toBeGreaterThan(0);
      for (const variant of new Set(exposed.map((exposure) => exposure.variant)))
        expect(exposed.filter((exposure) => exposure.variant === variant).length).toBe(
          (await resultsOf(experiments, name)).variants.find((found) => found.variant === variant)!.assigned,
        );
    }
  });
});

describe("force", () => {
  async function forcing(options: { forced?: Record<string, string | undefined> } = {}) {
    const counting = countingStore();
    const onError = vi.fn<ReportError>();
    const experiments = createExperiments([experimentDoc(EXP, ["a", "b", "c"], { kind: "thompson" })], {
      store: counting.store,
      onError,
      random: () => 0,
      ...(options.forced ? { forced: options.forced } : {}),
    });
    await experiments.enable(EXP);
    counting.reset();
    return { ...counting, onError, experiments };
  }

  test("for every unit: served as FORCED, never stored, never rewarded; undone with undefined", async () => {
    const { experiments, base, methods, onError } = await forcing();
    expect(experiments.force(EXP, "b")).toBe(true);
    for (const id of ["u1", "u2", "u3"]) {
      expect(await experiments.assign(EXP, id)).toMatchObject({ variant: "b", index: 1, reason: "FORCED" });
      expect(await experiments.pick(id, VALUE)).toBe("b");
      const unit = await experiments.forUnit(id);
      expect(unit.pick(VALUE)).toBe("b");
      expect(unit.assignment(EXP).reason).toBe("FORCED");
      expect(await experiments.complete(EXP, id, 1)).toMatchObject({ rewarded: false });
    }
    await experiments.flush();
    // Read (forUnit's round trip) but never written.
    expect(methods().filter((method) => method !== "readUnit")).toEqual([]);
    expect(await statsOf(base)).toEqual({});
    expect(await storedVariant(base, "u1")).toBeUndefined();
    const completed = await experiments.complete(EXP, "u1", 1);
    expect(completed.rewarded).toBe(false);
    expect(completed.message).toMatch(/forced/);

    expect(experiments.force(EXP, undefined)).toBe(true);
    const released = await experiments.assign(EXP, "u1");
    expect(released.reason).toBe("SPLIT");
    expect(await storedVariant(base, "u1")).toBe(released.variant);
    expect(await experiments.complete(EXP, "u1", 1)).toEqual({ rewarded: true, variant: released.variant });
    expect(onError).not.toHaveBeenCalled();
  });

  test("for one unit only", async () => {
    const { experiments, base, of } = await forcing();
    expect(experiments.force(EXP, "c", "vip")).toBe(true);
    expect(await experiments.assign(EXP, "vip")).toMatchObject({ variant: "c", reason: "FORCED" });
    expect((await experiments.assign(EXP, "someone")).reason).toBe("SPLIT");
    const assigns = of("assign").flatMap((call) => call.args[0] as { unitId: string }[]);
    expect(assigns.map((request) => request.unitId)).toEqual(["someone"]);
    expect(await storedVariant(base, "vip")).toBeUndefined();
    expect((await experiments.complete(EXP, "vip", 1)).rewarded).toBe(false);
    expect(of("complete")).toHaveLength(0);

    // A unit's force wins over everyone's, and each is undone on its own.
    expect(experiments.force(EXP, "a")).toBe(true);
    expect((await experiments.assign(EXP, "vip")).variant).toBe("c");
    expect((await experiments.assign(EXP, "other")).variant).toBe("a");
    expect(experiments.force(EXP, undefined, "vip")).toBe(true);
    expect(await experiments.assign(EXP, "vip")).toMatchObject({ variant: "a", reason: "FORCED" });
    expect(experiments.force(EXP, undefined)).toBe(true);
    expect((await experiments.assign(EXP, "vip")).reason).toBe("SPLIT");
  });

  test("an unknown experiment, variant or unit id: false, reported, nothing forced", async () => {
    const { experiments, onError } = await forcing();
    const force = experiments.force as (...args: unknown[]) => boolean;
    expect(force("nope", "a")).toBe(false);
    expect(onError).toHaveBeenLastCalledWith(
      expect.objectContaining({ message: expect.stringMatching(/unknown experiment.*nope/) }),
      expect.stringMatching(/force/),
    );
    expect(force(EXP, "bb")).toBe(false);
    expect(onError).toHaveBeenLastCalledWith(
      expect.objectContaining({ message: expect.stringMatching(/no variant.*bb/) }),
      expect.stringMatching(/force/),
    );
    expect(force(EXP, "b", 42)).toBe(false);
    expect(force(EXP, 1)).toBe(false);
    expect(onError).toHaveBeenCalledTimes(4);
    expect((await experiments.assign(EXP, "u")).reason).toBe("SPLIT");
  });

  test("the forced option forces from creation", async () => {
    const { experiments, base, onError } = await forcing({ forced: { [EXP]: "c" } });
    expect(await experiments.assign(EXP, "u1")).toMatchObject({ variant: "c", reason: "FORCED" });
    expect((await experiments.complete(EXP, "u1", 1)).rewarded).toBe(false);
    await experiments.flush();
    expect(await statsOf(base)).toEqual({});
    expect(experiments.force(EXP, undefined)).toBe(true);
    expect((await experiments.assign(EXP, "u1")).reason).toBe("SPLIT");
    expect(onError).not.toHaveBeenCalled();
  });

  test("the forced option with an unknown variant is reported and ignored", async () => {
    const { experiments, onError } = await forcing({ forced: { [EXP]: "zzz" } });
    expect(onError).toHaveBeenCalledWith(
      expect.objectContaining({ message: expect.stringMatching(/zzz/) }),
      expect.any(String),
    );
    expect((await experiments.assign(EXP, "u1")).reason).toBe("SPLIT");
  });
});

describe("custom algorithms at runtime", () => {
  const PARAMETERS: JsonValue = { temperature: 0.2, weights: [1, 2, 3], label: "hot" };

  async function custom(choose: (arms: readonly Arm[], random: () => number, parameters?: JsonValue) => number) {
    const counting = countingStore();
    const onError = vi.fn<ReportError>();
    const onExposure = vi.fn();
    const calls: { arms: Arm[]; random: () => number; parameters: JsonValue | undefined }[] = [];
    const mine = {
      choose: (arms: readonly Arm[], random: () => number, parameters?: JsonValue) => {
        calls.push({ arms: arms.map((arm) => ({ ...arm })), random, parameters });
        return choose(arms, random, parameters);
      },
    };
    const experiments = createExperiments(
      [experimentDoc(EXP, ["a", "b", "c"], { kind: "custom", name: "mine", parameters: PARAMETERS })],
      { store: counting.store, onError, onExposure, algorithms: { mine }, random: () => 0 },
    );
    await experiments.enable(EXP);
    counting.reset();
    return { ...counting, onError, onExposure, experiments, calls };
  }

  test("is called with the arms in variant order, a unit-seeded random and the parameters", async () => {
    const { experiments, base, calls, onError } = await custom((_arms, random) => (random() < 2 ? 2 : 0));
    // Statistics another process left in the store: b was assigned and rewarded once.
    await base.assign([{ experiment: EXP, unitId: "x", variant: "b", variants: ["a", "b", "c"] }]);
    await base.complete(EXP, "x", { score: 0.75, success: 1 }, ["a", "b", "c"]);

    expect(await experiments.assign(EXP, "u1")).toMatchObject({ variant: "c", index: 2, reason: "SPLIT" });
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call!.arms).toEqual([
      { name: "a", assigned: 0, count: 0, sum: 0, successes: 0 },
      { name: "b", assigned: 1, count: 1, sum: 0.75, successes: 1 },
      { name: "c", assigned: 0, count: 0, sum: 0, successes: 0 },
    ]);
    expect(call!.parameters).toEqual(PARAMETERS);
    expect(typeof call!.random).toBe("function");
    expect(await storedVariant(base, "u1")).toBe("c");
    expect((await statsOf(base))["c"]!.assigned).toBe(1);
    expect(onError).not.toHaveBeenCalled();

    // The random is the unit's: its first number is the unit's hash over 2^32, and then the same stream for the same unit.
    const draws = async () => {
      const streams: number[][] = [];
      const client = await custom((_arms, random) => {
        streams.push([random(), random(), random(), random()]);
        return 0;
      });
      await client.experiments.assign(EXP, "u9");
      return streams[0]!;
    };
    const stream = await draws();
    expect(stream[0]).toBe(murmur3(`${EXP}-salt:u9`) / 2 ** 32);
    expect(await draws()).toEqual(stream);
    for (const number of stream) expect(number >= 0 && number < 1).toBe(true);
  });

  test("without parameters in the definition, parameters is undefined", async () => {
    const seen: unknown[] = [];
    const experiments = createExperiments([experimentDoc(EXP, ["a", "b"], { kind: "custom", name: "plain" })], {
      algorithms: { plain: { choose: (_arms, _random, parameters) => (seen.push(parameters), 1) } },
    });
    await experiments.enable(EXP);
    expect((await experiments.assign(EXP, "u")).variant).toBe("b");
    expect(seen).toEqual([undefined]);
  });

  const invalid: [string, unknown][] = [
    ["-1", -1],
    ["3 (out of range)", 3],
    ["1.5", 1.5],
    ["NaN", NaN],
    ["Infinity", Infinity],
    ['"1"', "1"],
    ["undefined", undefined],
    ["null", null],
    ["true", true],
  ];
  test.each(invalid)("returning %s serves the control with ERROR and stores nothing", async (_label, answer) => {
    const { experiments, base, onError, onExposure, methods } = await custom(() => answer as number);
    const assignment = await experiments.assign(EXP, "u1");
    expect(assignment).toMatchObject({ variant: "a", index: 0, reason: "ERROR" });
    expect(assignment.message).toMatch(/algorithm/);
    const unit = await experiments.forUnit("u2");
    expect(unit.pick(VALUE)).toBe("a");
    expect(unit.assignment(EXP).reason).toBe("ERROR");
    await experiments.flush();
    expect(onError).toHaveBeenCalledTimes(2);
    expect(onError).toHaveBeenCalledWith(expect.any(RangeError), expect.stringMatching(/algorithm "mine"/));
    expect(methods()).toEqual(["readUnit", "readUnit"]);
    expect(await statsOf(base)).toEqual({});
    expect(await storedVariant(base, "u1")).toBeUndefined();
    expect(onExposure).not.toHaveBeenCalled();
    expect((await experiments.complete(EXP, "u1", 1)).rewarded).toBe(false);
  });

  test("throwing serves the control with ERROR, reports, and stores nothing", async () => {
    const failure = new Error("softmax overflow");
    const { experiments, base, onError, methods } = await custom(() => {
      throw failure;
    });
    const assignment = await experiments.assign(EXP, "u1");
    expect(assignment).toMatchObject({ variant: "a", index: 0, reason: "ERROR" });
    expect(assignment.message).toMatch(/softmax overflow/);
    expect(onError).toHaveBeenCalledWith(failure, expect.stringMatching(/mine/));
    await experiments.flush();
    expect(methods()).toEqual(["readUnit"]);
    expect(await statsOf(base)).toEqual({});
  });

  test.each([
    ["no algorithms option", undefined],
    ["another name only", { other: { choose: () => 0 } }],
    ["an entry without choose", { softmax: {} }],
  ])(
    "an unregistered name (%s) is reported at creation; the control is served with ERROR",
    async (_label, algorithms) => {
      const counting = countingStore();
      const onError = vi.fn<ReportError>();
      const experiments = createExperiments(
        [experimentDoc(EXP, ["a", "b"], { kind: "custom", name: "softmax" }), experimentDoc("plain", ["x", "y"])],
        { store: counting.store, onError, ...(algorithms ? { algorithms: algorithms as never } : {}) },
      );
      expect(onError).toHaveBeenCalledTimes(1);
      const [error, where] = onError.mock.calls[0]!;
      expect((error as Error).message).toMatch(/"softmax"/);
      expect((error as Error).message).toMatch(/algorithms: \{ "softmax": \.\.\. \}/);
      expect(where).toMatch(/load/);
      await experiments.enable(EXP);
      await experiments.enable("plain");
      counting.reset();
      const assignment = await experiments.assign(EXP, "u1");
      expect(assignment).toMatchObject({ variant: "a", index: 0, reason: "ERROR" });
      expect(assignment.message).toMatch(/softmax/);
      const unit = await experiments.forUnit("u1");
      expect(unit.pick(VALUE)).toBe("a");
      expect(unit.assignment(EXP).reason).toBe("ERROR");
      // The other experiment runs as usual.
      expect(unit.assignment("plain").reason).toBe("SPLIT");
      await experiments.flush();
      expect(await statsOf(counting.base)).toEqual({});
      const assigned = counting.of("assign").flatMap((call) => call.args[0] as { experiment: string }[]);
      expect(assigned.map((request) => request.experiment)).toEqual(["plain"]);
    },
  );
});
