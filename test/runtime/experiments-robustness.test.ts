import { createExperiments, MAX_UNIT_ID_LENGTH, memoryStore, type ExperimentStore } from "prosper-runtime";
import { afterEach, describe, expect, test, vi } from "vitest";
import greeting from "../../generated/experiments/greeting_experiment.json" with { type: "json" };
import { boundedStore } from "../../runtime/experiments/bounded-store.js";

const GREETING = "greeting_experiment";
type Method = keyof ExperimentStore;
const methods: Method[] = [
  "isEnabled",
  "enable",
  "disable",
  "getAssignment",
  "assignIfAbsent",
  "takeAssignment",
  "getArms",
  "reward",
];

/** A memory store with some methods replaced, recording every call. */
function storeWith(replaced: Partial<Record<Method, (...args: never[]) => unknown>> = {}) {
  const base = memoryStore();
  const calls: Method[] = [];
  const store = Object.fromEntries(
    methods.map((method) => [
      method,
      (...args: unknown[]) => {
        calls.push(method);
        return (replaced[method] ?? (base[method] as (...args: unknown[]) => unknown))(...(args as never[]));
      },
    ]),
  ) as unknown as ExperimentStore;
  return { store, base, calls };
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
    expect(warn).toHaveBeenCalledWith('prosper: isEnabled("greeting_experiment") failed:', expect.any(TypeError));
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
    expect(await experiments.complete(GREETING, "user-2", 1)).toMatchObject({ rewarded: false });
    expect(await experiments.disable(GREETING)).toBe(false);
    expect(reported.length).toBeGreaterThanOrEqual(7);
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

  test("isEnabled hangs: the control with ERROR, in about the timeout", async () => {
    const { store } = storeWith({ isEnabled: never });
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
    expect(reported).toEqual([
      {
        error: expect.objectContaining({ message: "isEnabled timed out after 20 ms" }),
        operation: 'isEnabled("greeting_experiment")',
      },
    ]);
    expect(await experiments.isEnabled(GREETING)).toBe(false);
    expect(await experiments.pick("user-2", "greeting")).toBe("Hello!");
    expect((await experiments.forUnit("user-2")).assignment(GREETING)).toMatchObject({ reason: "ERROR" });
  });

  test.each(["getAssignment", "assignIfAbsent"] as const)(
    "%s hangs: the deterministic variant with ERROR",
    async (method) => {
      const { store } = storeWith({ [method]: never });
      const { experiments } = setup({ store, storeTimeoutMs: 20 });
      await experiments.enable(GREETING);
      expect(await experiments.assign(GREETING, "user-2")).toMatchObject({
        variant: "casual",
        reason: "ERROR",
        message: expect.stringMatching(timedOut),
      });
      expect(await experiments.pick("user-3", "greeting")).toBe("Hi there!");
      expect((await experiments.forUnit("user-3")).pick("greeting")).toBe("Hi there!");
    },
  );

  test.each(["takeAssignment", "reward"] as const)("%s hangs: complete is not rewarded", async (method) => {
    const { store } = storeWith({ [method]: never });
    const { experiments } = setup({ store, storeTimeoutMs: 20 });
    await experiments.enable(GREETING);
    await experiments.assign(GREETING, "user-2");
    expect(await experiments.complete(GREETING, "user-2", 1)).toEqual({
      rewarded: false,
      message: expect.stringMatching(timedOut),
    });
  });

  test.each(["enable", "disable"] as const)("%s hangs: false", async (method) => {
    const { store } = storeWith({ [method]: never });
    const { experiments } = setup({ store, storeTimeoutMs: 20 });
    expect(await experiments[method](GREETING)).toBe(false);
  });

  test("the default timeout is 1000 ms", async () => {
    vi.useFakeTimers();
    const { store } = storeWith({ isEnabled: never });
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
    await experiments.complete(GREETING, "user-2", 1);
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
    const { store } = storeWith({ isEnabled: never });
    const { experiments } = setup({ store, storeTimeoutMs: 20 });
    await experiments.assign(GREETING, "user-2");
    expect(timers.length).toBeGreaterThan(0);
    expect(timers.every((timer) => !timer.hasRef())).toBe(true);
  });
});

describe("answers a store should not give are failures", () => {
  test.each([
    ["isEnabled", "yes", 'isEnabled answered the string "yes"'],
    ["isEnabled", 1, "isEnabled answered the number 1"],
    ["isEnabled", undefined, "isEnabled answered nothing"],
    ["getAssignment", 1.5, "getAssignment answered the number 1.5"],
    ["getAssignment", -1, "getAssignment answered the number -1"],
    ["getAssignment", "1", 'getAssignment answered the string "1"'],
    ["getAssignment", null, "getAssignment answered null"],
    ["assignIfAbsent", "2", 'assignIfAbsent answered the string "2"'],
    ["assignIfAbsent", 9, "assignIfAbsent answered 9, not a variant"],
  ] as const)("%s answering %s", async (method, answer, message) => {
    const { store } = storeWith({ [method]: async () => answer });
    const { experiments, reported } = setup({ store });
    if (method !== "isEnabled") await experiments.enable(GREETING);
    const assignment = await experiments.assign(GREETING, "user-2");
    expect(assignment.reason).toBe("ERROR");
    expect(assignment.message).toContain(message);
    expect(reported.map(({ error }) => (error as Error).message)).toEqual([message]);
  });

  test("getArms answering junk, or a store method throwing synchronously, is a failure", async () => {
    for (const arms of [undefined, [{ count: 1 }], [{ count: 1, sum: Number.NaN }], "arms", [null], hostile()]) {
      const store = boundedStore({ getArms: () => Promise.resolve(arms) }, 50);
      await expect(store.getArms("x")).rejects.toThrow(/getArms answered|trap/);
    }
    const good = boundedStore({ getArms: async () => [{ count: 1, sum: 0.5 }] }, 50);
    await expect(good.getArms("x")).resolves.toEqual([{ count: 1, sum: 0.5 }]);
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

  test("a stored variant the definitions no longer have is not rewarded", async () => {
    const { store } = storeWith({ takeAssignment: async () => 7 });
    const { experiments } = setup({ store });
    await experiments.enable(GREETING);
    expect(await experiments.complete(GREETING, "user-2", 1)).toEqual({
      rewarded: false,
      message: '"user-2" has no assignment in "greeting_experiment"',
    });
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
    expect(calls).toEqual([]);
    expect(reported.map(({ operation }) => operation)).toEqual([
      'assign("greeting_experiment")',
      'pick("greeting")',
      "forUnit",
      'complete("greeting_experiment")',
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
    const { store, calls } = storeWith();
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
    // Only forUnit asked, about the one experiment there is.
    expect(calls).toEqual(["isEnabled"]);
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
      message: expect.stringMatching(/^score must be a number in \[0, 1\], got /),
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
