import { build } from "esbuild";
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

/**
 * `prosper report` run for real: the CLI bundled as the compile script bundles it, run with node in
 * a scratch folder whose node_modules is the project's, so that what a user meets is what is tested.
 */
const root = fileURLToPath(new URL("..", import.meta.url));
let project: string;
let cli: string;

function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      { cwd: project, env: { ...process.env, NO_COLOR: "1" } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const results = [
  {
    experiment: "checkout-cta",
    algorithm: "thompson",
    enabled: true,
    variants: [
      { variant: "control", assigned: 120, completed: 100, mean: 0.05, interval: [0.02, 0.11], probabilityBest: 0.2 },
      { variant: "green", assigned: 130, completed: 110, mean: 0.08, interval: [0.04, 0.15], probabilityBest: 0.8 },
    ],
  },
  { experiment: "greeting", algorithm: "random", enabled: false, variants: [], message: "the store could not be read" },
];
const bandits = {
  suite: "bandits",
  date: "2025-01-01", // the benchmark's other fields are ignored
  curves: ["thompson", "ucb1"].map((algorithm) => ({
    algorithm,
    arms: [0.1, 0.2],
    horizon: 1000,
    points: [
      [10, 1],
      [100, 4],
      [1000, 9],
    ],
    boundConstant: 1.2,
  })),
};

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), "prosper-report-"));
  await symlink(join(root, "node_modules"), join(project, "node_modules"), "dir");
  // The compile script's bundle, written into the scratch folder so that tests running at once do not share one.
  cli = join(project, "cli.js");
  await build({
    entryPoints: [join(root, "compiler/cli.ts")],
    outfile: cli,
    bundle: true,
    platform: "node",
    format: "esm",
    conditions: ["prosper-source"],
    external: ["ts-morph", "typescript", "prettier", "esbuild", "recheck", "commander"],
    logLevel: "warning",
  });
  await writeFile(join(project, "results.json"), JSON.stringify(results));
  await writeFile(join(project, "one.json"), JSON.stringify(results[0]));
  await writeFile(join(project, "bandits.json"), JSON.stringify(bandits));
});

afterAll(async () => {
  await rm(project, { recursive: true, force: true });
});

describe("prosper report", () => {
  test("results and bandit curves: one HTML page, written where --out says", async () => {
    const { code, stdout, stderr } = await run(
      "report",
      "--results",
      "results.json",
      "--bandits",
      "bandits.json",
      "--title",
      "Q3 <experiments>",
      "--out",
      "reports/q3.html",
    );
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toBe("prosper: wrote reports/q3.html\n");
    const html = await readFile(join(project, "reports/q3.html"), "utf8");
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain("<title>Q3 &lt;experiments&gt;</title>");
    expect(html).toContain("the store could not be read");
    expect(html.match(/data-plot="experiment"/g)).toHaveLength(2);
    expect(html.match(/<path class="series"/g)).toHaveLength(2);
    expect(await readdir(join(project, "reports"))).toEqual(["q3.html"]); // no temporary file left beside it
  });

  test("one experiment's results alone, to the default file", async () => {
    const { code, stdout } = await run("report", "--results", "one.json");
    expect(code).toBe(0);
    expect(stdout).toBe("prosper: wrote prosper-report.html\n");
    const html = await readFile(join(project, "prosper-report.html"), "utf8");
    expect(html).toContain("<h2>checkout-cta</h2>");
    expect(html).not.toContain("Bandit regret");
  });

  test.each([
    [["report"], "prosper: report needs --results <file>, --bandits <file>, or both\n"],
    [["report", "--results", "missing.json"], "prosper: --results missing.json: cannot read it (ENOENT)\n"],
    [
      ["report", "--results", "bandits.json"],
      "prosper: --results bandits.json: expected an experiment's results or an array of them",
    ],
    [
      ["report", "--bandits", "results.json"],
      `prosper: --bandits results.json: expected the bandit benchmark's output, an object with a "curves" array\n`,
    ],
    [["report", "--results", "broken.json"], "prosper: --results broken.json: not valid JSON ("],
    [
      ["report", "--bandits", "bad-curve.json"],
      `prosper: --bandits bad-curve.json: curves[1] is not a regret curve (it needs "algorithm", "arms" and "points")\n`,
    ],
    [["report", "--results", "one.json", "--out", ""], "prosper: --out needs a path, not an empty string\n"],
  ])("%j: exit 2, says what is wrong, writes nothing", async (args, message) => {
    await writeFile(join(project, "broken.json"), `{ "experiment": "x", `);
    await writeFile(join(project, "bad-curve.json"), JSON.stringify({ curves: [bandits.curves[0], { arms: [] }] }));
    await writeFile(join(project, "prosper-report.html"), "as it was");
    const { code, stdout, stderr } = await run(...args);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.slice(0, message.length)).toBe(message);
    expect(stderr).not.toContain("internal error");
    expect(await readFile(join(project, "prosper-report.html"), "utf8")).toBe("as it was");
  });

  test("an unknown option: usage, exit 2", async () => {
    const { code, stderr } = await run("report", "--result", "one.json");
    expect(code).toBe(2);
    expect(stderr).toContain("unknown option '--result'");
    expect(stderr).toContain("Usage: prosper report [options]");
  });
});
