import { build } from "esbuild";
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, test } from "vitest";
import { root } from "../support/type-check.js";
import type { RunningServer } from "./harness.js";
import { harness, type RedisConnection } from "./redis-harness.js";

/**
 * The README's "two app processes sharing one experiment through Redis", as written, run twice at
 * once with plain node against a real Redis: the two must print the same greeting. The generated
 * module is the shipped examples' fixture, and the port is the test server's.
 */

const run = promisify(execFile);
const folder = join(root, "node_modules", ".cache", `prosper-readme-redis-${process.pid}`);
let server: RunningServer | undefined;

function example(port: number): string {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("Two app processes sharing one experiment through Redis"));
  const block = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block?.includes(`"./generated/index.js"`) || !block.includes("port: 6379,"))
    throw new Error("the README's Redis example no longer imports ./generated/index.js on port 6379");
  const generated = join(root, "test/golden/valid-shipped/generated/index.js");
  return block.replace(`"./generated/index.js"`, JSON.stringify(generated)).replace("port: 6379,", `port: ${port},`);
}

beforeAll(async () => {
  server = await harness.start();
});

afterAll(async () => {
  await server?.stop();
  rmSync(folder, { recursive: true, force: true });
});

test("two processes running the README's Redis example print the same greeting", async (context) => {
  if (!server) return context.skip();
  const { port } = server.connection as RedisConnection;
  mkdirSync(folder, { recursive: true });
  const app = join(folder, "app.mjs");
  // Bundled from the runtime's sources, as the published package would be; ioredis from node_modules.
  await build({
    stdin: { contents: example(port), resolveDir: folder, loader: "js" },
    bundle: true,
    platform: "node",
    format: "esm",
    conditions: ["prosper-source"],
    external: ["ioredis"],
    outfile: app,
    logLevel: "warning",
  });
  const [a, b] = await Promise.all(["a", "b"].map((name) => run("node", [app, name], { cwd: folder })));
  const greetingOf = (stdout: string, name: string) => {
    const line = stdout.trim();
    expect(line.startsWith(`${name} `)).toBe(true);
    return line.slice(name.length + 1);
  };
  const greeting = greetingOf(a!.stdout, "a");
  expect(["Hello!", "Hi there!", "Hey!"]).toContain(greeting);
  expect(greetingOf(b!.stdout, "b")).toBe(greeting);
  expect(a!.stderr + b!.stderr).toBe("");
  // They shared one store: it holds the one assignment both served, stored (and counted) once.
  const shop = await server.open("shop");
  try {
    const variants = { "Hello!": "control", "Hi there!": "friendly", "Hey!": "casual" } as Record<string, string>;
    const read = await shop.store.readUnit("user-42", ["greeting_experiment"], ["greeting_experiment"]);
    expect(read.experiments).toEqual([{ enabled: true, variant: variants[greeting] }]);
    const assigned = Object.values(read.stats[0]!).reduce((total, arm) => total + arm.assigned, 0);
    expect(assigned).toBe(1);
  } finally {
    await shop.close();
  }
}, 60_000);
