import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { CompileResult } from "../../compiler/compile.js";
import { watch, type Watching } from "../../compiler/watch.js";
import { childProcesses, eventually, isRunning } from "../support/processes.js";

/**
 * A watch starts the process for the next run of the definitions ahead of the save that needs it.
 * Each run must still have a process no run has used before, with its whole time limit, and no
 * such process may outlive the watch.
 */
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const timeoutMs = 1500;
let root: string;
let watching: Watching | undefined;
const results: CompileResult[] = [];

const nextResult = async (after: number): Promise<CompileResult> => {
  await eventually(() => results.length > after, "a compile", 60_000);
  return results[results.length - 1]!;
};
/** The definition reports the process that ran it, in its description. */
const save = (value: number) =>
  writeFileSync(
    join(root, "definitions/ran-by.ts"),
    `import { feature } from "prosper/define";
export const ranBy = feature({
  name: "ran-by",
  description: \`pid \${(globalThis as any).process.pid}\`,
  buckets: [],
  default: ${value},
});
`,
  );
const ranBy = () => {
  const json = JSON.parse(readFileSync(join(root, "generated/features/ran-by.json"), "utf8")) as {
    description: string;
    default: number;
  };
  return { pid: Number(json.description.slice("pid ".length)), value: json.default };
};
const runners = () => childProcesses(process.pid, "runner.js");

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "prosper-watch-process-"));
  mkdirSync(join(root, "definitions"));
  symlinkSync(join(repoRoot, "node_modules"), join(root, "node_modules"), "dir");
  writeFileSync(join(root, "package.json"), JSON.stringify({ name: "watch-process", private: true, type: "module" }));
  writeFileSync(
    join(root, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        skipLibCheck: true,
        noEmit: true,
        types: [],
        customConditions: ["prosper-source"],
      },
      include: ["definitions"],
    }),
  );
  save(0);
  watching = watch({ root, limits: { timeoutMs } }, (result) => results.push(result));
  expect((await nextResult(0)).diagnostics).toEqual([]);
});

afterAll(async () => {
  await watching?.close();
  rmSync(root, { recursive: true, force: true });
});

describe("the process a watch starts ahead", () => {
  test("each run has a process of its own, started before the save, and gone after", async () => {
    const pids = [ranBy().pid];
    for (let value = 1; value <= 3; value++) {
      // The next run's process is already there, waiting.
      await eventually(() => runners().length === 1, "one process waiting");
      const waiting = runners()[0]!;
      const seen = results.length;
      save(value);
      expect((await nextResult(seen)).ok).toBe(true);
      expect(ranBy()).toEqual({ pid: waiting, value });
      pids.push(waiting);
    }
    expect(new Set(pids).size).toBe(pids.length);
    expect(pids).not.toContain(process.pid);
    // Every process that ran has ended.
    await eventually(() => pids.every((pid) => !isRunning(pid)), "the used processes end");
  });

  test("time spent waiting does not count against the run's time limit", async () => {
    await eventually(() => runners().length === 1, "one process waiting");
    const waiting = runners()[0]!;
    // Longer than the whole limit.
    await new Promise((resolve) => setTimeout(resolve, timeoutMs + 1000));
    const seen = results.length;
    save(10);
    const result = await nextResult(seen);
    expect(result.diagnostics).toEqual([]);
    expect(ranBy()).toEqual({ pid: waiting, value: 10 });
  });

  test("a waiting process killed before the save does not fail the compile: the run gets a new one", async () => {
    await eventually(() => runners().length === 1, "one process waiting");
    const [waiting] = runners();
    process.kill(waiting!, "SIGKILL");
    await eventually(() => !isRunning(waiting!), "the waiting process is gone");
    const seen = results.length;
    save(11);
    const result = await nextResult(seen);
    expect(result.diagnostics).toEqual([]);
    expect(ranBy().value).toBe(11);
    expect(ranBy().pid).not.toBe(waiting);
  });

  test("closing the watch ends the process waiting for the next run", async () => {
    await eventually(() => runners().length === 1, "one process waiting");
    const [waiting] = runners();
    await watching!.close();
    watching = undefined;
    await eventually(() => !isRunning(waiting!), "the waiting process ends");
    expect(runners()).toEqual([]);
  });
});
