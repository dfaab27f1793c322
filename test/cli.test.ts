import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { childProcesses, eventually, isRunning } from "./support/processes.js";

/**
 * The README's command, `npm run compile`, run for real in a copy of the project, so that what
 * a user meets is what is tested: exit codes, messages, and what happens to generated/.
 */
const root = fileURLToPath(new URL("..", import.meta.url));
let project: string;

function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      "npm",
      ["run", "-s", "compile", "--", ...args],
      { cwd: project, env: { ...process.env, NO_COLOR: "1" } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Every file under generated/ with a hash of its bytes and its modification time. */
async function snapshot(): Promise<Record<string, { sha: string; mtime: number }>> {
  const result: Record<string, { sha: string; mtime: number }> = {};
  const walk = async (dir: string, prefix: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path, `${prefix}${entry.name}/`);
      else
        result[prefix + entry.name] = {
          sha: createHash("sha256")
            .update(await readFile(path))
            .digest("hex"),
          mtime: (await stat(path)).mtimeMs,
        };
    }
  };
  await walk(join(project, "generated"), "");
  return result;
}

const edit = async (file: string, from: string, to: string) => {
  const path = join(project, file);
  const text = await readFile(path, "utf8");
  expect(text).toContain(from);
  await writeFile(path, text.replace(from, to));
};

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), "prosper-cli-"));
  for (const entry of ["package.json", "tsconfig.json", ".prettierrc", "compiler", "runtime"])
    await cp(join(root, entry), join(project, entry), { recursive: true, preserveTimestamps: true });
  // The shipped examples as a fixture, so that the project's own definitions cannot change what is tested.
  await cp(join(root, "test/golden/valid-shipped/definitions"), join(project, "definitions"), { recursive: true });
  await symlink(join(root, "node_modules"), join(project, "node_modules"), "dir");
  expect((await run()).code).toBe(0);
});

afterAll(async () => {
  await rm(project, { recursive: true, force: true });
});

describe("npm run compile", () => {
  test("on the shipped definitions: a summary, and nothing rewritten when nothing changed", async () => {
    const before = await snapshot();
    const { code, stdout, stderr } = await run();
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^prosper: 2 experiments and 3 features in 4 files; 0 files changed, 7 unchanged \(\d+ ms\)\.\n/,
    );
    expect(stdout).toContain("  unchanged generated/index.js\n");
    expect(stdout).toContain("  unchanged generated/index.d.ts\n");
    expect(stdout).toContain("  unchanged generated/features/holdout.json\n");
    expect(await snapshot()).toEqual(before);
  });

  test("--check passes when generated/ is current", async () => {
    const { code, stdout } = await run("--check");
    expect(code).toBe(0);
    expect(stdout).toContain("generated/ is up to date");
  });

  test("a variant missing a symbol: exit 1, file:line:col diagnostics, generated/ byte for byte as it was", async () => {
    const before = await snapshot();
    await edit("definitions/greeting.ts", `casual: { greeting: "Hey!" }`, `casual: {}`);
    const { code, stdout, stderr } = await run().finally(() =>
      edit("definitions/greeting.ts", `casual: {}`, `casual: { greeting: "Hey!" }`),
    );
    expect(code).toBe(1);
    // The type checker's own diagnostic comes first, then prosper's.
    expect(stderr).toMatch(/^definitions\/greeting.ts:11:5 - error TS\d+: Property 'greeting' is missing/);
    expect(stderr).toContain(
      `definitions/greeting.ts:11:5 - error PRS203: variant "casual" of "greeting_experiment" has no symbol "greeting", which the control "control" has`,
    );
    expect(stderr).toContain("  definitions/greeting.ts:9:16\n");
    expect(stderr).toContain(`the control declares "greeting" here`);
    expect(stderr).not.toMatch(/\n\s+at /); // a user's mistake prints no stack
    expect(stdout).toMatch(/errors?; generated\/ was left as it was/);
    expect(await snapshot()).toEqual(before);
  });

  test("a changed value: --check lists the stale files, compile rewrites only those", async () => {
    await edit("definitions/greeting.ts", `"Hey!"`, `"Howdy!"`);
    const check = await run("--check");
    expect(check.code).toBe(1);
    expect(check.stdout).toContain("  stale  generated/index.js\n");
    expect(check.stdout).toContain("  stale  generated/index.d.ts\n");
    expect(check.stdout).toContain("  stale  generated/experiments/greeting_experiment.json\n");
    expect(check.stdout).not.toContain("holdout");

    const before = await snapshot();
    const { code, stdout } = await run();
    expect(code).toBe(0);
    expect(stdout).toContain("3 files changed, 4 unchanged");
    expect(stdout).toContain("  written   generated/experiments/greeting_experiment.json\n");
    expect(stdout).toContain("  unchanged generated/experiments/checkout-cta.json\n");
    const after = await snapshot();
    const changed = Object.keys(after).filter((path) => after[path]!.sha !== before[path]!.sha);
    expect(changed.sort()).toEqual(["experiments/greeting_experiment.json", "index.d.ts", "index.js"]);
    expect(after["features/holdout.json"]!.mtime).toBe(before["features/holdout.json"]!.mtime);
    expect(await readFile(join(project, "generated/index.d.ts"), "utf8")).toContain(
      `greeting: "Hello!" | "Hi there!" | "Howdy!";`,
    );
  });

  test("a removed definition: --check reports its JSON as extra, compile removes it", async () => {
    await rm(join(project, "definitions/checkout-cta.ts"));
    const check = await run("--check");
    expect(check.code).toBe(1);
    expect(check.stdout).toContain("  extra  generated/experiments/checkout-cta.json\n");
    const { code, stdout } = await run();
    expect(code).toBe(0);
    expect(stdout).toContain("removed   generated/experiments/checkout-cta.json");
    expect(Object.keys(await snapshot())).not.toContain("experiments/checkout-cta.json");
  });

  test("a compile killed at any moment leaves generated/ all old or all new, and no stray files", async () => {
    const cli = join(project, "node_modules/.cache/prosper/cli.js");
    await run("--check"); // builds the CLI into node_modules/.cache/prosper
    const owned = /^(index\.(js|d\.ts)|(experiments|features)\/[^/]+\.json)$/;
    const greetings = /"(Hey|Howdy)!"/;
    for (const [attempt, delay] of [50, 150, 250, 350, 450, 550, 650, 800].entries()) {
      // Alternate between two contents so that every compile has files to write.
      await edit("definitions/greeting.ts", attempt % 2 ? `"Hey!"` : `"Howdy!"`, attempt % 2 ? `"Howdy!"` : `"Hey!"`);
      // --no-cache: content seen before would be answered from the no-change cache, before the kill.
      const child = spawn(process.execPath, [cli, "compile", "--no-cache"], { cwd: project, stdio: "ignore" });
      const closed = new Promise((resolve) => child.on("close", resolve));
      await new Promise((resolve) => setTimeout(resolve, delay));
      child.kill("SIGKILL");
      await closed;
      const files = Object.keys(await snapshot());
      expect(
        files.filter((file) => !owned.test(file)),
        `stray files after a kill at ${delay} ms`,
      ).toEqual([]);
      // The module, its declarations and the JSON all say the same greeting: old or new, never a mix.
      const said = await Promise.all(
        ["index.js", "index.d.ts", "experiments/greeting_experiment.json"].map(
          async (file) => greetings.exec(await readFile(join(project, "generated", file), "utf8"))?.[1],
        ),
      );
      expect(new Set(said).size, `after a kill at ${delay} ms: ${said.join(", ")}`).toBe(1);
    }
  });

  test.each([
    "hostile-throw-top-level",
    "hostile-deep-not",
    "hostile-name-long",
    "hostile-stack-overflow",
    "hostile-nonfinite",
  ])(
    "%s through the CLI: exit 1 with a positioned diagnostic, never an internal error; generated/ as it was",
    async (name) => {
      const before = await snapshot();
      const added = join(project, "definitions", name);
      await cp(join(root, "test/golden", name, "definitions"), added, { recursive: true });
      const { code, stderr } = await run().finally(() => rm(added, { recursive: true, force: true }));
      expect(code).toBe(1);
      expect(stderr).toMatch(new RegExp(`^definitions/${name}/[^:]+:\\d+:\\d+ - error (PRS|TS)\\d+: `, "m"));
      expect(stderr).not.toContain("internal error");
      expect(await snapshot()).toEqual(before);
    },
  );

  test("--watch recompiles on change, prints only what changed, and keeps going after an error", async () => {
    const cli = join(project, "node_modules/.cache/prosper/cli.js");
    const file = join(project, "definitions/watched.ts");
    const write = (value: string) =>
      writeFile(
        file,
        `import { feature } from "prosper/define";\nexport const watched = feature({ name: "watched", buckets: [], default: ${value} });\n`,
      );
    await write("1");
    const child = spawn(process.execPath, [cli, "compile", "--watch"], {
      cwd: project,
      env: { ...process.env, NO_COLOR: "1" },
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const waitFor = async (pattern: RegExp, from: number) => {
      for (let waited = 0; waited < 30_000; waited += 50) {
        if (pattern.test(output.slice(from))) return output.length;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`no ${pattern} in:\n${output.slice(from)}`);
    };
    try {
      let seen = await waitFor(/written generated\/features\/watched\.json\n/, 0);
      await write("2");
      const changed = await waitFor(/written generated\/features\/watched\.json\n/, seen);
      // Only what changed: the other definitions' files go unmentioned.
      expect(output.slice(seen, changed)).not.toContain("holdout");
      await write(`"two" as unknown as number, buckets: undefined as never`);
      seen = await waitFor(/error(s)?; generated\/ was left as it was\n/, changed);
      expect(output.slice(changed, seen)).toMatch(/definitions\/watched\.ts:\d+:\d+ - error/);
      await write("3");
      await waitFor(/written generated\/features\/watched\.json\n/, seen);
      expect(JSON.parse(await readFile(join(project, "generated/features/watched.json"), "utf8")).default).toBe(3);
    } finally {
      child.kill("SIGINT");
      await new Promise((resolve) => child.on("close", resolve));
      await rm(file, { force: true });
    }
    expect(child.exitCode).toBe(0);
  });

  test.each(["SIGTERM", "SIGHUP"] as const)(
    "a --watch stopped with %s (a process manager, a closed terminal) closes as Ctrl-C does",
    async (signal) => {
      const cli = join(project, "node_modules/.cache/prosper/cli.js");
      await run("--check"); // builds the CLI into node_modules/.cache/prosper
      const child = spawn(process.execPath, [cli, "compile", "--watch"], { cwd: project, stdio: "ignore" });
      const closed = new Promise((resolve) => child.on("close", resolve));
      let waiting: number[] = [];
      try {
        await eventually(() => (waiting = childProcesses(child.pid!, "runner.js")).length === 1, "a waiting process");
      } finally {
        child.kill(signal);
        await closed;
      }
      // Closed by the watch itself, not ended by the signal.
      expect(child.signalCode).toBe(null);
      expect(child.exitCode).toBe(0);
      await eventually(() => !isRunning(waiting[0]!), "the waiting process ends with the watch");
    },
  );

  test("a --watch killed outright leaves no process behind, not even the one waiting for the next run", async () => {
    const cli = join(project, "node_modules/.cache/prosper/cli.js");
    await run("--check"); // builds the CLI into node_modules/.cache/prosper
    const child = spawn(process.execPath, [cli, "compile", "--watch"], { cwd: project, stdio: "ignore" });
    const closed = new Promise((resolve) => child.on("close", resolve));
    let waiting: number[] = [];
    try {
      // The first compile has run, and the next run's process is waiting.
      await eventually(() => (waiting = childProcesses(child.pid!, "runner.js")).length === 1, "a waiting process");
    } finally {
      child.kill("SIGKILL");
      await closed;
    }
    await eventually(() => !isRunning(waiting[0]!), "the waiting process ends with the watch");
  });

  test("an output folder inside the definitions folder is not read back as definitions", async () => {
    try {
      expect((await run("--out", "definitions/out")).code).toBe(0);
      const again = await run("--out", "definitions/out");
      expect(again.stderr).toBe("");
      expect(again.code).toBe(0);
      expect(again.stdout).toContain("0 files changed");
    } finally {
      await rm(join(project, "definitions/out"), { recursive: true, force: true });
    }
  });

  test("files in the output folder that prosper did not write are neither overwritten nor removed", async () => {
    const out = join(project, "app-src");
    await mkdir(join(out, "features"), { recursive: true });
    await writeFile(join(out, "index.js"), "export const mine = 1;\n");
    await writeFile(join(out, "features/settings.json"), `{ "mine": true }\n`);
    try {
      const { code, stderr } = await run("--out", out); // an absolute path, too
      expect(code).toBe(1);
      expect(stderr).toContain("app-src/index.js is not a file prosper wrote, so it will not overwrite it");
      expect(await readFile(join(out, "index.js"), "utf8")).toBe("export const mine = 1;\n");
      await rm(join(out, "index.js"));
      expect((await run("--out", out)).code).toBe(0);
      expect(await readFile(join(out, "features/settings.json"), "utf8")).toBe(`{ "mine": true }\n`);
      expect(await readFile(join(out, "index.js"), "utf8")).toMatch(/^\/\/ DO NOT EDIT/);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  test("a process a definition starts and leaves running does not hold the compile", async () => {
    const file = join(project, "definitions/spawns.ts");
    await writeFile(
      file,
      `const { spawn } = (globalThis as any).process.getBuiltinModule("node:child_process");
spawn("sleep", ["60"], { stdio: "inherit" });
export {};
`,
    );
    try {
      const { code, stdout } = await run();
      expect(code).toBe(0);
      expect(stdout).toMatch(/^prosper: .* files? changed/);
    } finally {
      await rm(file, { force: true });
    }
  }, 30_000);

  test("a bad option: usage, exit 2", async () => {
    const { code, stderr } = await run("--chek");
    expect(code).toBe(2);
    expect(stderr).toContain("unknown option '--chek'");
    expect(stderr).toContain("Usage: prosper compile [options]");
  });
});
