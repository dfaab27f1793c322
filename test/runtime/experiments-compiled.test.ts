/**
 * The generated path: the compiled tables the generated module hands `prosper-runtime/experiments`
 * serve what the document path serves, and an application ships only the parts its definitions use.
 */
import { build } from "esbuild";
import { createExperiments as fromDocuments, experimentTable, memoryStore, type ExperimentJson } from "prosper-runtime";
import { experimentsOf, type Experiments, type ExperimentTypes } from "prosper-runtime/experiments";
import { results } from "prosper-runtime/results";
import { readFile } from "node:fs/promises";
import { describe, expect, test, vi } from "vitest";
import { createExperiments as generated, experimentDocuments } from "../golden/valid-shipped/generated/index.js";
import { createExperiments as generatedLearning } from "../golden/valid-learning-algorithms/generated/index.js";

const NAMES = ["checkout-cta", "greeting_experiment"] as const;

describe("the generated module and the documents give the same", () => {
  test("variants for 2,000 units, through forUnit and through assign", async () => {
    const compiled = generated();
    const read = fromDocuments(experimentDocuments());
    for (const client of [compiled, read]) for (const name of NAMES) await client.enable(name);
    for (let unit = 0; unit < 2000; unit++) {
      const id = `unit-${unit}`;
      const [a, b] = await Promise.all([compiled.forUnit(id), read.forUnit(id)]);
      expect(a.pick("ctaLabel")).toBe(b.pick("ctaLabel"));
      expect(a.assignment("greeting_experiment")).toEqual(b.assignment("greeting_experiment"));
      expect(await compiled.assign("greeting_experiment", `other-${unit}`)).toEqual(
        await read.assign("greeting_experiment", `other-${unit}`),
      );
    }
  });

  test("weights: the greeting's 33/33/34 split holds on the compiled path", async () => {
    const experiments = generated();
    await experiments.enable("greeting_experiment");
    const counts = new Map<string, number>();
    for (let unit = 0; unit < 30_000; unit++) {
      const picks = await experiments.forUnit(`u${unit}`);
      const { variant } = picks.assignment("greeting_experiment");
      counts.set(variant, (counts.get(variant) ?? 0) + 1);
    }
    for (const [variant, share] of [
      ["control", 0.33],
      ["friendly", 0.33],
      ["casual", 0.34],
    ] as const)
      expect(Math.abs(counts.get(variant)! / 30_000 - share)).toBeLessThan(0.01);
  });

  test("a learning experiment: the same choices from the same rewards, unit by unit", async () => {
    const document = JSON.parse(
      await readFile(
        new URL("../golden/valid-learning-algorithms/generated/experiments/onboarding.json", import.meta.url),
        "utf8",
      ),
    ) as ExperimentJson;
    const options = { random: () => 0.5, statsRefreshMs: 0 };
    const read = experimentsOf([experimentTable(document)], { ...options, store: memoryStore() });
    const compiled = generatedLearning({
      ...options,
      store: memoryStore(),
      algorithms: { softmax: { choose: () => 0 }, "house-rule": { choose: () => 0 } },
    });
    const served: string[][] = [[], []];
    for (const [index, client] of ([read, compiled] as unknown as Experiments<ExperimentTypes>[]).entries()) {
      await client.enable("onboarding");
      for (let unit = 0; unit < 200; unit++) {
        const { variant } = await client.assign("onboarding", `u${unit}`);
        served[index]!.push(variant);
        // "tour" converts; the control never does: Thompson should move towards "tour".
        await client.complete("onboarding", `u${unit}`, variant === "tour" ? 1 : 0);
      }
    }
    expect(served[1]).toEqual(served[0]);
    expect(served[0]!.slice(100).filter((variant) => variant === "tour").length).toBeGreaterThan(80);
    expect(await results(compiled, "onboarding")).toEqual(await results(read, "onboarding"));
    expect((await results(read, "onboarding")).algorithm).toBe("thompson");
  });
});

describe("symbols are keys like any other", () => {
  test("__proto__ and constructor, on the document path and the table path", async () => {
    const document = JSON.parse(
      `{"formatVersion":1,"kind":"experiment","name":"p","salt":"p","algorithm":{"kind":"random"},
        "variants":[{"name":"control","symbols":{"__proto__":1,"constructor":2}},{"name":"b","symbols":{"__proto__":1,"constructor":2}}]}`,
    );
    const table = {
      name: "p",
      salt: "p",
      variants: ["control", "b"],
      symbols: { ["__proto__"]: [1, 1], constructor: [2, 2] },
    };
    for (const experiments of [fromDocuments([document]), experimentsOf([table])]) {
      await experiments.enable("p");
      const picks = await experiments.forUnit("u");
      expect([picks.pick("__proto__" as never), picks.pick("constructor" as never)]).toEqual([1, 2]);
      // Keys of the values' prototype are no symbols.
      expect(picks.pick("0" as never)).toBeUndefined();
      expect(picks.pick("toString" as never)).toBeUndefined();
    }
  });
});

describe("store calls share one timer", () => {
  test("a hundred calls in flight arm one timer, and none is left when they settle", async () => {
    const timers: unknown[] = [];
    const realSetTimeout = globalThis.setTimeout;
    const cleared = new Set<unknown>();
    const realClearTimeout = globalThis.clearTimeout;
    const clearSpy = vi.spyOn(globalThis, "clearTimeout").mockImplementation(((timer: unknown) => {
      cleared.add(timer);
      realClearTimeout(timer as never);
    }) as never);
    const spy = vi.spyOn(globalThis, "setTimeout").mockImplementation(((callback: () => void, ms: number) => {
      const timer = realSetTimeout(callback, ms);
      timers.push(timer);
      return timer;
    }) as never);
    try {
      const base = memoryStore();
      // A copy of the memory store is called as any store: bounded, through its promises.
      const slow = { ...base, readUnit: (...args: Parameters<typeof base.readUnit>) => base.readUnit(...args) };
      const experiments = generated({ store: slow });
      await experiments.enable("greeting_experiment");
      timers.length = 0;
      const picks = await Promise.all(Array.from({ length: 100 }, (_, unit) => experiments.forUnit(`u${unit}`)));
      expect(picks.every((unit) => unit.assignment("greeting_experiment").reason === "SPLIT")).toBe(true);
      expect(timers).toHaveLength(1);
      expect(cleared.has(timers[0])).toBe(true);
    } finally {
      spy.mockRestore();
      clearSpy.mockRestore();
    }
  });
});

describe("results", () => {
  test("of something that is not an experiments client, or an unknown experiment: a message, no throw", async () => {
    expect(await results({} as never, "x")).toMatchObject({
      enabled: false,
      variants: [],
      message: 'unknown experiment "x"',
    });
    expect(await results(generated(), "nope" as never)).toMatchObject({ message: 'unknown experiment "nope"' });
  });
});

describe("pay as you go", () => {
  const bundle = async (contents: string) =>
    (
      await build({
        stdin: { contents, resolveDir: process.cwd(), loader: "ts" },
        bundle: true,
        minify: true,
        format: "esm",
        platform: "browser",
        conditions: ["prosper-source"],
        write: false,
      })
    ).outputFiles[0]!.text;

  test("random and weighted experiments ship no learning code, no document reader and no results", async () => {
    const code = await bundle(`export { experimentsOf, memoryStore } from "prosper-runtime/experiments";`);
    // The Gamma sampler's constant (minified), the statistics cache's refresh stamp, Wilson's z, the
    // reader's walk, the unit's random stream (mulberry32's increment).
    for (const text of [".0331", "readAt", "1.959963984540054", "could not be read", "1831565813"])
      expect(code).not.toContain(text);
  });

  test("each learning algorithm brings what it needs, and only that", async () => {
    const greedy = await bundle(`export { experimentsOf, epsilonGreedy } from "prosper-runtime/experiments";`);
    expect(greedy).toContain("readAt");
    expect(greedy).not.toContain(".0331");
    const sampling = await bundle(`export { experimentsOf, thompson } from "prosper-runtime/experiments";`);
    expect(sampling).toContain(".0331");
  });

  test("the generated module imports the algorithms its definitions use, and nothing for random or weighted", async () => {
    const shipped = await readFile(new URL("../golden/valid-shipped/generated/index.js", import.meta.url), "utf8");
    expect(shipped).toMatch(/import \{ experimentsOf \} from "prosper-runtime\/experiments";/);
    const learning = await readFile(
      new URL("../golden/valid-learning-algorithms/generated/index.js", import.meta.url),
      "utf8",
    );
    expect(learning).toMatch(
      /import \{ custom, epsilonGreedy, experimentsOf, thompson, ucb1 \} from "prosper-runtime\/experiments";/,
    );
    expect(learning).not.toContain(`from "prosper-runtime";`);
  });
});
