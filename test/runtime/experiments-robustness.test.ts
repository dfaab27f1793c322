import { createExperiments, MAX_UNIT_ID_LENGTH, memoryStore, type ExperimentStore } from "prosper-runtime";
import { results as resultsOf } from "prosper-runtime/results";
import { afterEach, describe, expect, test, vi } from "vitest";
import greeting from "../../generated/experiments/greeting_experiment.json" with { type: "json" };
import { boundedStore } from "../../runtime/experiments/bounded-store.js";
import { METHODS, type Method } from "../support/experiment-store.js";

const GREETING = "greeting_experiment";
const methods = METHODS;

/** A memory store with some methods replaced, recording every call (and its arguments, in `args`). */
function storeWith(replaced: Partial<Record<Method, (...args: never[]) => unknown>> = {}) {
  const base = memoryStore();
  const calls: Method[] = [];
  const args: unknown[][] = [];
  const store = Object.fromEntries(
    methods.map((method) => [
      method,
      (...given: unknown[]) => {
        calls.push(method);
        args.push(given);
        return (replaced[method] ?? (base[method] as (...args: unknown[]) => unknown))(...(given as never[]));
      },
    ]),
  ) as unknown as ExperimentStore;
  return { store, base, calls, args };
}

function setup(options: Record<string, unknown> = {}, documents: unknown = [greeting]) {
  const reported: { error: unknown; operation: string }[] = [];
  const experiments = createExperiments(documents as never, {
    onError: (error, operation) => reported.push({ error, operation }),
    ...options,
  });
  return { experiments, reported };
}

const never = () => new Promise<never>(() => {});

/** A Proxy whose every trap throws. */
const hostile = () =>
  new Proxy(
    {},
    Object.fromEntries(
      ["get", "has", "ownKeys", "getPrototypeOf", "getOwnPropertyDescriptor"].map((trap) => [
        trap,
        () => {
          throw new Error(`${trap} trap`);
        },
      ]),
    ),
  );

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("garbage options", () => {
  test.each([
    ["a number", 5],
    ["a string", "options"],
    ["null", null],
    ["a Proxy that throws", hostile()],
  ])("options %s: the memory store, console.warn told", async (_, options) => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const experiments = createExperiments([greeting], options as never);
    expect(await experiments.enable(GREETING)).toBe(true);
    expect(await experiments.assign(GREETING, "user-2")).toMatchObject({ variant: "casual", reason: "SPLIT" });
    if (options !== null) expect(warn).toHaveBeenCalled();
  });

  test("onError that is not a function: console.warn instead", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const experiments = createExperiments([greeting], { onError: 42 as never, store: {} as never });
    expect(warn).toHaveBeenCalledWith("prosper: options failed:", expect.any(TypeError));
    expect(await experiments.assign(GREETING, "user-2")).toMatchObject({ reason: "ERROR" });
    // assign reads the unit's state with readUnit (it used to ask isEnabled first).
    expect(warn).toHaveBeenCalledWith(
      'prosper: assign("greeting_experiment") for "user-2" failed:',
      expect.any(TypeError),
    );
  });

  test.each([
    ["an empty object", {}],
    ["a number", 5],
    ["a Proxy that throws", hostile()],
    ["methods that are not functions", Object.fromEntries(methods.map((method) => [method, "yes"]))],
  ])("a store that is %s: every call fails, the fallback is served", async (_, store) => {
    const { experiments, reported } = setup({ store });
    expect(await experiments.enable(GREETING)).toBe(false);
    expect(await experiments.isEnabled(GREETING)).toBe(false);
    expect(await experiments.assign(GREETING, "user-2")).toMatchObject({ variant: "control", reason: "ERROR" });
    expect(await experiments.pick("user-2", "greeting")).toBe("Hello!");
    expect((await experiments.forUnit("user-2")).pick("greeting")).toBe("Hello!");
    await experiments.flush();
    expect(await experiments.complete(GREETING, "user-2", 1)).toMatchObject({ rewarded: false });
    expect(await resultsOf(experiments, GREETING)).toMatchObject({
      enabled: false,
      message: expect.stringMatching(/\S/),
    });
    expect(await experiments.disable(GREETING)).toBe(false);
    expect(reported.length).toBeGreaterThanOrEqual(8);
  });

  test.each([-1, 0, "10", Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31])(
    "storeTimeoutMs %s: reported, and the default used",
    async (storeTimeoutMs) => {
      const { experiments, reported } = setup({ storeTimeoutMs });
      expect(reported.map(({ operation }) => operation)).toEqual(["options"]);
      expect((reported[0]!.error as Error).message).toMatch(/^storeTimeoutMs: expected a number of milliseconds/);
      expect(await experiments.enable(GREETING)).toBe(true);
    },
  );
});

describe("a store that never answers", () => {
  const timedOut = /timed out after 20 ms/;

  test("readUnit hangs, the experiment never seen enabled: the control with ERROR, in about the timeout", async () => {
    const { store } = storeWith({ readUnit: never });
    const { experiments, reported } = setup({ store, storeTimeoutMs: 20 });
    const start = performance.now();
    const assignment = await experiments.assign(GREETING, "user-2");
    expect(performance.now() - start).toBeLessThan(1_000);
    expect(assignment).toMatchObject({
      variant: "control",
      index: 0,
      reason: "ERROR",
      message: expect.stringMatching(timedOut),
    });
    // assign reads the unit's state with readUnit (it used to ask isEnabled first).
    expect(reported).toEqual([
      {
        error: expect.objectContaining({ message: "readUnit timed out after 20 ms" }),
        operation: 'assign("greeting_experiment") for "user-2"',
      },
    ]);
    expect(await experiments.pick("user-2", "greeting")).toBe("Hello!");
    expect((await experiments.forUnit("user-2")).assignment(GREETING)).toMatchObject({ reason: "ERROR" });
  });

  test("isEnabled hangs: false, in about the timeout", async () => {
    const { store } = storeWith({ isEnabled: never });
    const { experiments, reported } = setup({ store, storeTimeoutMs: 20 });
    expect(await experiments.enable(GREETING)).toBe(true);
    const start = performance.now();
    expect(await experiments.isEnabled(GREETING)).toBe(false);
    expect(performance.now() - start).toBeLessThan(1_000);
    expect(reported).toEqual([
      {
        error: expect.objectContaining({ message: "isEnabled timed out after 20 ms" }),
        operation: 'isEnabled("greeting_experiment")',
      },
    ]);
  });

  test("readUnit hangs, the experiment last seen enabled: the deterministic variant with ERROR", async () => {
    const { store } = storeWith({ readUnit: never });
    const { experiments } = setup({ store, storeTimeoutMs: 20 });
    await experiments.enable(GREETING);
    expect(await experiments.assign(GREETING, "user-2")).toMatchObject({
      variant: "casual",
      reason: "ERROR",
      message: expect.stringMatching(timedOut),
    });
    expect(await experiments.pick("user-3", "greeting")).toBe("Hi there!");
    expect((await experiments.forUnit("user-3")).pick("greeting")).toBe("Hi there!");
  });

  test("assign hangs: picks and flush settle, and assign gives the variant with ERROR", async () => {
    const { store } = storeWith({ assign: never });
    const { experiments, reported } = setup({ store, storeTimeoutMs: 20 });
    await experiments.enable(GREETING);
    expect((await experiments.forUnit("user-3")).pick("greeting")).toBe("Hi there!");
    await experiments.flush();
    expect(await experiments.pick("user-3", "greeting")).toBe("Hi there!");
    const assignment = await experiments.assign(GREETING, "user-2");
    // assign answers within one timeout for its read and write together; its write's own
    // timeout, reported with the write, comes a moment later.
    await experiments.flush();
    expect(reported.map(({ error }) => (error as Error).message)).toEqual(
      [1, 2, 3].map(() => "assign timed out after 20 ms"),
    );
    // Not stored, so not sticky: ERROR, as for every other store failure (assignIfAbsent hanging gave ERROR).
    expect(assignment).toMatchObject({ variant: "casual", reason: "ERROR", message: expect.stringMatching(timedOut) });
  });

  test("a slow read then a hung write: assign and complete still answer within one timeout", async () => {
    const base = memoryStore();
    const { store } = storeWith({
      readUnit: async (...args: Parameters<ExperimentStore["readUnit"]>) => {
        await new Promise((resolve) => setTimeout(resolve, 90));
        return base.readUnit(...args);
      },
      enable: (name: string) => base.enable(name),
      assign: never,
    });
    const { experiments } = setup({ store, storeTimeoutMs: 100 });
    await experiments.enable(GREETING);
    const timed = async <T>(work: () => Promise<T>) => {
      const started = performance.now();
      const value = await work();
      return { value, elapsed: performance.now() - started };
    };
    // 90 ms reading, then a write that never answers: one 100 ms budget, not 90 + 100.
    const assigned = await timed(() => experiments.assign(GREETING, "user-2"));
    expect(assigned.value).toMatchObject({ reason: "ERROR", message: expect.stringMatching(/not confirmed in time/) });
    expect(assigned.elapsed).toBeLessThan(170);
    // A pick's write still hangs: completing waits for it, and for its own call, within one budget.
    (await experiments.forUnit("user-3")).pick("greeting");
    const completed = await timed(() => experiments.complete(GREETING, "user-3", 1));
    expect(completed.value).toMatchObject({ rewarded: false, message: expect.stringMatching(/may still be stored/) });
    expect(completed.elapsed).toBeLessThan(170);
  });

  // One atomic store call now takes the assignment and adds the reward (it was takeAssignment, then reward).
  test("complete hangs: not rewarded", async () => {
    const { store } = storeWith({ complete: never });
    const { experiments } = setup({ store, storeTimeoutMs: 20 });
    await experiments.enable(GREETING);
    await experiments.assign(GREETING, "user-2");
    expect(await experiments.complete(GREETING, "user-2", 1)).toEqual({
      rewarded: false,
      message: expect.stringMatching(timedOut),
    });
  });

  test("readStats hangs: results say so, with zeros", async () => {
    const { store } = storeWith({ readStats: never });
    const { experiments } = setup({ store, storeTimeoutMs: 20 });
    await experiments.enable(GREETING);
    const results = await resultsOf(experiments, GREETING);
    expect(results).toMatchObject({ enabled: false, message: expect.stringMatching(timedOut) });
    expect(results.variants.map(({ assigned, completed }) => assigned + completed)).toEqual([0, 0, 0]);
  });

  test.each(["enable", "disable"] as const)("%s hangs: false", async (method) => {
    const { store } = storeWith({ [method]: never });
    const { experiments } = setup({ store, storeTimeoutMs: 20 });
    expect(await experiments[method](GREETING)).toBe(false);
  });

  test("the default timeout is 1000 ms", async () => {
    vi.useFakeTimers();
    const { store } = storeWith({ readUnit: never });
    const { experiments } = setup({ store });
    let settled = false;
    const assigning = experiments.assign(GREETING, "user-2").finally(() => (settled = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await assigning).toMatchObject({ reason: "ERROR", message: expect.stringContaining("1000 ms") });
  });

  test("timers are cleared when calls settle", async () => {
    vi.useFakeTimers();
    const { experiments } = setup();
    await experiments.enable(GREETING);
    await experiments.assign(GREETING, "user-2");
    (await experiments.forUnit("user-3")).pick("greeting");
    await experiments.flush();
    await experiments.complete(GREETING, "user-2", 1);
    await resultsOf(experiments, GREETING);
    expect(vi.getTimerCount()).toBe(0);
  });

  test("timers never keep the process alive: they are unref'd", async () => {
    const timers: { hasRef(): boolean }[] = [];
    const realSetTimeout = globalThis.setTimeout;
    vi.spyOn(globalThis, "setTimeout").mockImplementation(((callback: () => void, ms: number) => {
      const timer = realSetTimeout(callback, ms);
      timers.push(timer);
      return timer;
    }) as never);
    const { store } = storeWith({ readUnit: never });
    const { experiments } = setup({ store, storeTimeoutMs: 20 });
    await experiments.assign(GREETING, "user-2");
    expect(timers.length).toBeGreaterThan(0);
    expect(timers.every((timer) => !timer.hasRef())).toBe(true);
  });
});

describe("answers a store should not give are failures", () => {
  const notAsked = ", not what was asked for";
  const messages = (reported: { error: unknown }[]) => reported.map(({ error }) => (error as Error).message);

  test.each([
    ["yes", 'isEnabled answered the string "yes"'],
    [1, "isEnabled answered the number 1"],
    [undefined, "isEnabled answered nothing"],
  ] as const)("isEnabled answering %s: false", async (answer, message) => {
    const { store } = storeWith({ isEnabled: async () => answer });
    const { experiments, reported } = setup({ store });
    await experiments.enable(GREETING);
    expect(await experiments.isEnabled(GREETING)).toBe(false);
    expect(messages(reported)).toEqual([message + notAsked]);
  });

  const states = (...experiments: unknown[]) => ({ experiments, stats: [] });
  test.each([
    ["nothing", undefined, "readUnit answered nothing"],
    ["null", null, "readUnit answered null"],
    ["a string", "yes", 'readUnit answered the string "yes"'],
    ["no state for the experiment", states(), "readUnit answered an object"],
    ["two states for one experiment", states({ enabled: true }, { enabled: true }), "readUnit answered an object"],
    ["a state that is null", states(null), "readUnit answered an object"],
    ["enabled that is not a boolean", states({ enabled: "yes" }), "readUnit answered an object"],
    ["a variant index", states({ enabled: true, variant: 1 }), "readUnit answered an object"],
    ["a variant that is null", states({ enabled: true, variant: null }), "readUnit answered an object"],
    ["no statistics", { experiments: [{ enabled: true }] }, "readUnit answered an object"],
    ["statistics not asked for", { experiments: [{ enabled: true }], stats: [{}] }, "readUnit answered an object"],
  ])("readUnit answering %s: the deterministic variant with ERROR", async (_, answer, message) => {
    const { store } = storeWith({ readUnit: async () => answer });
    const { experiments, reported } = setup({ store });
    await experiments.enable(GREETING);
    expect(await experiments.assign(GREETING, "user-2")).toMatchObject({
      variant: "casual",
      reason: "ERROR",
      message: expect.stringContaining(message),
    });
    expect(messages(reported)).toEqual([message + notAsked]);
  });

  const good = { assigned: 2, count: 1, sum: 0.5, successes: 1 };
  test.each([
    ["none", []],
    ["two lists for one experiment", [{}, {}]],
    ["null", [null]],
    ["an arm without counts", [{ control: { count: 1 } }]],
    ["a sum that is NaN", [{ control: { ...good, sum: Number.NaN } }]],
    ["a negative count", [{ control: { ...good, count: -1 } }]],
    ["an infinite assigned", [{ control: { ...good, assigned: Number.POSITIVE_INFINITY } }]],
    ["a count that is a string", [{ control: { ...good, count: "1" } }]],
  ])("statistics answering %s: a failure of readUnit and of readStats", async (_, stats) => {
    const { store } = storeWith({
      readUnit: async () => ({ experiments: [{ enabled: true }], stats }),
      readStats: async () => stats,
    });
    // A bandit asks for statistics on its first read.
    const { experiments, reported } = setup({ store }, [{ ...greeting, algorithm: { kind: "ucb1" } }]);
    await experiments.enable(GREETING);
    expect(await experiments.assign(GREETING, "user-2")).toMatchObject({ reason: "ERROR" });
    expect(await resultsOf(experiments, GREETING)).toMatchObject({
      enabled: false,
      message: expect.stringMatching(/\S/),
    });
    expect(messages(reported)).toEqual([
      expect.stringMatching(/^readUnit answered an object, not/),
      expect.stringMatching(/^readStats answered an array, not/),
    ]);
  });

  test("answers that cannot be read, or a store method throwing synchronously, are failures", async () => {
    for (const stats of [undefined, "stats", hostile(), [hostile()]]) {
      const store = boundedStore(
        {
          readStats: () => Promise.resolve(stats),
          readUnit: () => Promise.resolve({ experiments: [{ enabled: true }], stats }),
        },
        50,
      );
      await expect(store.readStats(["x"])).rejects.toThrow(/readStats answered|trap/);
      await expect(store.readUnit("u", ["x"], ["x"])).rejects.toThrow(/readUnit answered|trap/);
    }
    await expect(boundedStore({ readUnit: async () => hostile() }, 50).readUnit("u", [], [])).rejects.toThrow(/trap/);
    const stats = { control: good, "not a variant": { assigned: 0, count: 0, sum: 0, successes: 0 } };
    const fine = boundedStore({ readStats: async () => [stats] }, 50);
    await expect(fine.readStats(["x"])).resolves.toEqual([stats]);
    const throwing = boundedStore(
      {
        isEnabled: () => {
          throw new Error("sync");
        },
      },
      50,
    );
    await expect(throwing.isEnabled("x")).rejects.toThrow("sync");
  });

  test.each([
    ["a string", "2", 'assign answered the string "2"'],
    ["no answer for the request", [], "assign answered an array"],
  ])("assign answering %s: reported, and assign gives the variant with ERROR", async (_, answer, message) => {
    const { store } = storeWith({ assign: async () => answer });
    const { experiments, reported } = setup({ store });
    await experiments.enable(GREETING);
    const assignment = await experiments.assign(GREETING, "user-2");
    expect(messages(reported)).toEqual([message + notAsked]);
    // Not stored, so not sticky: ERROR, as for every other store failure (assignIfAbsent answering junk gave ERROR).
    expect(assignment).toMatchObject({ variant: "casual", reason: "ERROR", message: expect.stringContaining(message) });
  });

  test("assign answering a variant the experiment does not have: reported, and assign gives ERROR", async () => {
    // A store keeps a stored variant only if it is one of the request's `variants`, so this answer is nonsense
    // (as assignIfAbsent answering an index out of range was).
    const { store } = storeWith({ assign: async () => [{ variant: "formal", stored: false }] });
    const { experiments, reported } = setup({ store });
    await experiments.enable(GREETING);
    const assignment = await experiments.assign(GREETING, "user-2");
    expect(messages(reported)).toEqual([expect.stringContaining("assign answered")]);
    expect(assignment).toMatchObject({ variant: "casual", reason: "ERROR" });
  });

  test.each([
    [7, "complete answered the number 7"],
    [null, "complete answered null"],
    [{ variant: "casual" }, "complete answered an object"],
  ])("complete answering %s: not rewarded", async (answer, message) => {
    const { store } = storeWith({ complete: async () => answer });
    const { experiments, reported } = setup({ store });
    await experiments.enable(GREETING);
    await experiments.assign(GREETING, "user-2");
    expect(await experiments.complete(GREETING, "user-2", 1)).toEqual({
      rewarded: false,
      message: expect.stringContaining(message),
    });
    expect(messages(reported)).toEqual([message + notAsked]);
  });

  // Variants are stored by name now: a removed one is a name the definitions lack (it was an index out of range).
  test("a stored variant the definitions no longer have is not rewarded", async () => {
    const { store, base } = storeWith();
    const { experiments, reported } = setup({ store });
    await experiments.enable(GREETING);
    await base.assign([{ experiment: GREETING, unitId: "user-2", variant: "formal", variants: ["formal"] }]);
    const notRewarded = {
      rewarded: false,
      message: '"user-2" was assigned "formal", which "greeting_experiment" no longer has',
    };
    expect(await experiments.complete(GREETING, "user-2", 1)).toEqual(notRewarded);
    // The assignment is ended, and nothing was rewarded.
    expect((await base.readUnit("user-2", [GREETING], [])).experiments).toEqual([{ enabled: true }]);
    expect(await base.readStats([GREETING])).toEqual([{ formal: { assigned: 1, count: 0, sum: 0, successes: 0 } }]);
    expect(reported).toEqual([]);

    // The same when another store answers so.
    const answering = setup({ store: storeWith({ complete: async () => "formal" }).store });
    await answering.experiments.enable(GREETING);
    expect(await answering.experiments.complete(GREETING, "user-2", 1)).toEqual(notRewarded);
  });
});

describe("unit ids", () => {
  const message = `unitId: expected a string of at most ${MAX_UNIT_ID_LENGTH} characters`;

  test.each([
    ["a number", 5],
    ["null", null],
    ["undefined", undefined],
    ["an object", {}],
    ["a symbol", Symbol("u")],
    ["a Proxy that throws", hostile()],
    ["too long", "u".repeat(MAX_UNIT_ID_LENGTH + 1)],
  ])("%s: the control with ERROR, nothing stored, reported once per call", async (_, unitId) => {
    const { store, calls } = storeWith();
    const { experiments, reported } = setup({ store });
    await experiments.enable(GREETING);
    calls.length = 0;
    const assignment = await experiments.assign(GREETING, unitId as never);
    expect(assignment).toMatchObject({ variant: "control", index: 0, reason: "ERROR" });
    expect(assignment.message).toContain(message);
    expect(await experiments.pick(unitId as never, "greeting")).toBe("Hello!");
    const picks = await experiments.forUnit(unitId as never);
    expect(picks.pick("greeting")).toBe("Hello!");
    expect(picks.assignment(GREETING)).toMatchObject({ reason: "ERROR" });
    const completed = await experiments.complete(GREETING, unitId as never, 1);
    expect(completed.rewarded).toBe(false);
    expect(completed.message).toContain(message);
    await experiments.flush();
    expect(calls).toEqual([]);
    expect(reported.map(({ operation }) => operation)).toEqual([
      'assign("greeting_experiment")',
      'pick("greeting")',
      "forUnit",
      // complete's operation now names the unit too, as its show() describes it.
      expect.stringMatching(/^complete\("greeting_experiment", .+\)$/),
    ]);
  });

  test(`${MAX_UNIT_ID_LENGTH} characters are fine`, async () => {
    const { experiments, reported } = setup();
    await experiments.enable(GREETING);
    expect((await experiments.assign(GREETING, "u".repeat(MAX_UNIT_ID_LENGTH))).reason).toBe("SPLIT");
    expect(reported).toEqual([]);
  });
});

describe("documents", () => {
  test("an invalid document with readable variants serves the control with ERROR, reported once", async () => {
    const { experiments, reported } = setup({}, [{ ...greeting, salt: 5 }]);
    expect(reported).toEqual([
      { error: new Error("salt: expected a string, got the number 5"), operation: "load documents[0]" },
    ]);
    await experiments.enable(GREETING);
    expect(await experiments.assign(GREETING, "user-2")).toEqual({
      experiment: GREETING,
      variant: "control",
      index: 0,
      reason: "ERROR",
      message: "salt: expected a string, got the number 5; served the control",
    });
    expect(await experiments.pick("user-2", "greeting")).toBe("Hello!");
    expect(reported).toHaveLength(1);
  });

  test("results of an experiment whose document cannot run do not throw", async () => {
    const { experiments, reported } = setup({}, [
      { ...greeting, algorithm: { kind: "weighted", weights: { control: Number.NaN } } },
    ]);
    expect(reported.map(({ operation }) => operation)).toEqual(["load documents[0]"]);
    await experiments.enable(GREETING);
    const results = await resultsOf(experiments, GREETING);
    expect(results.variants.map(({ variant, assigned }) => [variant, assigned])).toEqual([
      ["control", 0],
      ["friendly", 0],
      ["casual", 0],
    ]);
    expect(reported).toHaveLength(1);
  });

  test("without readable variants it is unknown", async () => {
    const { experiments, reported } = setup({}, [
      { ...greeting, variants: [{ name: "control", symbols: { greeting: NaN } }] },
    ]);
    expect(reported).toHaveLength(1);
    expect(await experiments.assign(GREETING, "user-2")).toMatchObject({
      reason: "ERROR",
      message: `unknown experiment "${GREETING}"`,
    });
    expect(await experiments.pick("user-2", "greeting")).toBeUndefined();
  });

  test.each([
    ["null", null],
    ["a string", "experiments"],
    ["a Proxy that throws", hostile()],
  ])("documents %s: reported, nothing known, nothing throws", async (_, documents) => {
    const { experiments, reported } = setup({}, documents);
    expect(reported).toHaveLength(1);
    expect(await experiments.assign(GREETING, "user-2")).toMatchObject({ reason: "ERROR" });
    expect((await experiments.forUnit("user-2")).pick("greeting")).toBeUndefined();
  });

  test("a symbol a variant lacks is the control's, even one named like an Object.prototype property", async () => {
    const document = {
      ...greeting,
      algorithm: { kind: "weighted", weights: { other: 1 } },
      variants: [
        { name: "control", symbols: { greeting: "Hello!", toString: "control's" } },
        { name: "other", symbols: {} as Record<string, string> },
      ],
    };
    const { experiments } = setup({}, [document]);
    await experiments.enable(GREETING);
    expect(await experiments.assign(GREETING, "user-2")).toMatchObject({ variant: "other", reason: "SPLIT" });
    expect(await experiments.pick("user-2", "greeting")).toBe("Hello!");
    expect(await experiments.pick("user-2", "toString" as never)).toBe("control's");
    expect(await experiments.pick("user-2", "constructor" as never)).toBeUndefined();
  });

  test("a variant named like an Object.prototype property without a weight gets none", async () => {
    const document = {
      ...greeting,
      algorithm: { kind: "weighted", weights: { control: 1 } },
      variants: [
        { name: "control", symbols: { greeting: "a" } },
        { name: "constructor", symbols: { greeting: "b" } },
      ],
    };
    const { experiments } = setup({}, [document]);
    await experiments.enable(GREETING);
    for (let i = 0; i < 50; i++) expect((await experiments.assign(GREETING, `u${i}`)).variant).toBe("control");
  });
});

describe("names and scores from plain JavaScript", () => {
  test.each([
    ["a symbol", Symbol("x")],
    ["an object without a prototype", Object.create(null)],
    ["a Proxy that throws", hostile()],
    ["a number", 42],
  ])("experiment name %s: unknown, nothing thrown, the store not asked", async (_, name) => {
    const { store, calls, args } = storeWith();
    const { experiments, reported } = setup({ store });
    expect(await experiments.assign(name as never, "user-1")).toMatchObject({ reason: "ERROR", variant: "" });
    expect(await experiments.enable(name as never)).toBe(false);
    expect(await experiments.disable(name as never)).toBe(false);
    expect(await experiments.isEnabled(name as never)).toBe(false);
    expect(await experiments.complete(name as never, "user-1", 1)).toMatchObject({ rewarded: false });
    expect(await experiments.pick("user-1", name as never)).toBeUndefined();
    const picks = await experiments.forUnit("user-1");
    expect(picks.pick(name as never)).toBeUndefined();
    expect(picks.assignment(name as never).reason).toBe("ERROR");
    // Only forUnit asked, about the one experiment there is, in its one readUnit (it used to ask isEnabled).
    await experiments.flush();
    expect(calls).toEqual(["readUnit"]);
    expect(args).toEqual([["user-1", [GREETING], []]]);
    expect(reported).toEqual([]);
  });

  test.each([
    ["a bigint", 1n],
    ["a symbol", Symbol("1")],
    ["a Proxy that throws", hostile()],
    ["an object", { valueOf: () => 1 }],
  ])("score %s: rejected with a message", async (_, score) => {
    const { experiments } = setup();
    await experiments.enable(GREETING);
    await experiments.assign(GREETING, "user-2");
    const result = await experiments.complete(GREETING, "user-2", score as never);
    expect(result).toMatchObject({
      rewarded: false,
      // The message now says "finite".
      message: expect.stringMatching(/^score must be a finite number in \[0, 1\], got /),
    });
  });
});

describe("results are frozen", () => {
  test("assignments, picks, unit picks and completions", async () => {
    const document = {
      ...greeting,
      variants: greeting.variants.map((variant) => ({
        ...variant,
        symbols: { ...variant.symbols, banner: { lines: ["a"] } },
      })),
    };
    const { experiments } = setup({}, [document]);
    await experiments.enable(GREETING);
    const assignment = await experiments.assign(GREETING, "user-2");
    expect(Object.isFrozen(assignment)).toBe(true);
    expect(Object.isFrozen(await experiments.assign("nope", "user-2"))).toBe(true);
    const banner = (await experiments.pick("user-2", "banner")) as { lines: string[] };
    expect(Object.isFrozen(banner) && Object.isFrozen(banner.lines)).toBe(true);
    expect(() => banner.lines.push("b")).toThrow(TypeError);
    const picks = await experiments.forUnit("user-2");
    expect(Object.isFrozen(picks)).toBe(true);
    expect(Object.isFrozen(picks.assignment(GREETING))).toBe(true);
    expect(picks.pick("banner")).toBe(banner);
    expect(Object.isFrozen(await experiments.complete(GREETING, "user-2", 1))).toBe(true);
    expect(Object.isFrozen(await experiments.complete(GREETING, "user-2", 1))).toBe(true);
    expect(Object.isFrozen(document.variants[0]!.symbols.banner)).toBe(false);
  });
});
