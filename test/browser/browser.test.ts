import { build, type Metafile } from "esbuild";
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { builtinModules } from "node:module";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { root } from "../support/type-check.js";

/**
 * The generated accessors of the shipped examples (the golden case valid-shipped, so that the
 * project's own definitions cannot change what is tested), as an application imports them.
 */
const GENERATED = "./test/golden/valid-shipped/generated/index.js";

/** Debian's Chromium: Playwright's own browser download does not work here. */
const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
// CI must not pass by skipping: there, a missing browser is a failure.
const requireBrowser = Boolean(process.env["CI"]) || process.env["PROSPER_REQUIRE_BROWSER"] === "1";
if (!hasChromium && !requireBrowser) {
  console.warn(
    `SKIPPED the browser test: no Chromium at ${CHROMIUM}. Install it with \`apt-get install chromium\`` +
      " (with CI or PROSPER_REQUIRE_BROWSER=1 set, a missing Chromium fails the test).",
  );
}

// Reports through the page so the test reads one attribute, errors included.
const entry = `
import { createExperiments, createFeatures } from ${JSON.stringify(GENERATED)};

async function run() {
  // A session random inside the holdout's 10%, so that the hostname alone decides it.
  const features = createFeatures({ sessionRandom: 0.05 });
  const experiments = createExperiments();
  await experiments.enable("greeting_experiment");
  return {
    hostname: location.hostname,
    pageSize: features.get("search-page-size", { platform: "ios" }),
    newCheckout: features.evaluate("new-checkout", { staff: true }),
    holdout: features.evaluate("holdout"),
    greeting: (await experiments.forUnit("u1")).pick("greeting"),
  };
}

run().then(
  (result) => (document.body.dataset.result = JSON.stringify(result)),
  (error) => (document.body.dataset.result = JSON.stringify({ error: String(error?.stack ?? error) })),
);
`;

const page = `<!doctype html><title>prosper</title><script type="module" src="/app.js"></script>`;

let code: string;
let metafile: Metafile;
let server: Server | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  const result = await build({
    stdin: { contents: entry, resolveDir: root, sourcefile: "app.ts", loader: "ts" },
    absWorkingDir: root,
    bundle: true,
    format: "esm",
    platform: "browser",
    // The workspace packages from their TypeScript sources, as vitest.config.ts resolves them.
    conditions: ["prosper-source"],
    metafile: true,
    write: false,
    logLevel: "silent",
  });
  code = result.outputFiles[0]!.text;
  metafile = result.metafile;
});

afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  server?.close();
});

test("the browser bundle carries no node built-ins and no server-side detection", () => {
  const inputs = Object.keys(metafile.inputs);
  const imports = Object.values(metafile.inputs).flatMap((input) => input.imports.map((i) => i.path));
  expect(imports.filter((path) => path.startsWith("node:") || builtinModules.includes(path))).toEqual([]);
  // The `browser` condition of `#detect-environment` chose the detection that reads `location` only.
  expect(inputs.filter((path) => path.endsWith("detect-environment.browser.ts"))).toHaveLength(1);
  expect(inputs.filter((path) => path.endsWith("/detect-environment.ts"))).toEqual([]);
  expect(code).not.toContain("getBuiltinModule");
  expect(code).not.toContain("versions");
});

test.skipIf(!hasChromium && !requireBrowser)(
  "the generated accessors evaluate in Chromium",
  async () => {
    if (!hasChromium)
      throw new Error(
        `Chromium is missing at ${CHROMIUM}, and CI or PROSPER_REQUIRE_BROWSER=1 requires the browser test: apt-get install chromium`,
      );
    server = createServer((request, response) => {
      const [type, body] = request.url === "/app.js" ? ["text/javascript", code] : ["text/html", page];
      response.writeHead(200, { "content-type": type }).end(body);
    });
    await new Promise<void>((listening) => server!.listen(0, "127.0.0.1", listening));
    const { port } = server.address() as AddressInfo;

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    const tab = await browser.newPage();
    const pageError = new Promise<never>((_, reject) => tab.on("pageerror", reject));
    // Chromium resolves every *.localhost name to loopback: a hostname the holdout's `^len.+` matches.
    await tab.goto(`http://lenient.localhost:${port}/`);
    await Promise.race([tab.waitForSelector("body[data-result]", { state: "attached", timeout: 10_000 }), pageError]);
    const result = JSON.parse((await tab.getAttribute("body", "data-result"))!);

    expect(result).toEqual({
      hostname: "lenient.localhost",
      pageSize: 10,
      newCheckout: { value: true, bucket: "staff", reason: "TARGETING_MATCH" },
      holdout: { value: true, bucket: "holdout", reason: "SPLIT" },
      greeting: expect.toBeOneOf(["Hello!", "Hi there!", "Hey!"]),
    });
  },
  // Chromium starts in under a second here, but can take several on a cold or loaded CI machine.
  60_000,
);
