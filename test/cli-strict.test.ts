import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, test } from "vitest";

/** `--strict` and `"strict"` in prosper.config.json: warnings fail the compile, which then writes nothing. */
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

const accessors = () => readFile(join(project, "generated/index.js"), "utf8");

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), "prosper-strict-"));
  for (const entry of ["package.json", "tsconfig.json", ".prettierrc", "compiler", "runtime"])
    await cp(join(root, entry), join(project, entry), { recursive: true, preserveTimestamps: true });
  await cp(join(root, "test/golden/valid-dead-rules/definitions"), join(project, "definitions"), { recursive: true });
  await symlink(join(root, "node_modules"), join(project, "node_modules"), "dir");
});

afterAll(async () => {
  await rm(project, { recursive: true, force: true });
});

test("without --strict the warnings print and the compile succeeds", async () => {
  const { code, stderr } = await run();
  expect(code).toBe(0);
  for (const warning of ["PRS308", "PRS309", "PRS310", "PRS311"]) expect(stderr).toContain(`- warning ${warning}:`);
  expect(stderr).not.toContain(" - error ");
});

test("with --strict they are errors: exit 1, generated/ left as it was", async () => {
  // A change that would rewrite generated/, were the compile to succeed.
  const file = join(project, "definitions/dead.ts");
  await writeFile(file, (await readFile(file, "utf8")).replace(`default: 0,`, `default: 7,`));
  const before = await accessors();
  const { code, stdout, stderr } = await run("--strict");
  expect(code).toBe(1);
  expect(stderr).toContain("- error PRS308:");
  expect(stderr).not.toContain(" - warning ");
  expect(stdout).toMatch(/^prosper: 9 errors; generated\/ was left as it was\.\n$/);
  expect(await accessors()).toBe(before);
});

test('"strict": true in prosper.config.json does the same; a value that is not a boolean is a usage error', async () => {
  await writeFile(join(project, "prosper.config.json"), `{ "strict": true }\n`);
  expect((await run()).code).toBe(1);
  await writeFile(join(project, "prosper.config.json"), `{ "strict": "yes" }\n`);
  const { code, stderr } = await run();
  expect(code).toBe(2);
  expect(stderr).toContain(`"strict" must be true or false, not "yes"`);
  await rm(join(project, "prosper.config.json"));
});
