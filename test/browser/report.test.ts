import { existsSync } from "node:fs";
import { inflateSync } from "node:zlib";
import { chromium, type Browser } from "playwright-core";
import { renderReport, type ExperimentResults, type RegretCurve } from "prosper-runtime/report";
import { afterAll, beforeAll, expect, test } from "vitest";

/**
 * The HTML report as a browser draws it, under a policy that allows nothing but inline CSS: every
 * plot and every mark on it has a size, and the pixels are not blank.
 */

/** Debian's Chromium: Playwright's own browser download does not work here. */
const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
// CI must not pass by skipping: there, a missing browser is a failure.
const requireBrowser = Boolean(process.env["CI"]) || process.env["PROSPER_REQUIRE_BROWSER"] === "1";
if (!hasChromium && !requireBrowser) {
  console.warn(
    `SKIPPED the report's browser test: no Chromium at ${CHROMIUM}. Install it with \`apt-get install chromium\`` +
      " (with CI or PROSPER_REQUIRE_BROWSER=1 set, a missing Chromium fails the test).",
  );
}

const POLICY = "default-src 'none'; style-src 'unsafe-inline'";
const ADDRESS = "http://report.test/";

const experiments: ExperimentResults[] = [
  {
    experiment: "checkout-cta",
    algorithm: "thompson",
    enabled: true,
    variants: [
      {
        variant: "control",
        assigned: 10_234,
        completed: 9_800,
        mean: 0.052,
        interval: [0.048, 0.057],
        probabilityBest: 0.04,
      },
      {
        variant: "green 🟢",
        assigned: 15_020,
        completed: 14_000,
        mean: 0.061,
        interval: [0.057, 0.065],
        probabilityBest: 0.96,
      },
      { variant: "fresh", assigned: 0, completed: 0, mean: null, interval: null, probabilityBest: 0 },
    ],
  },
  {
    experiment: "greeting <b>",
    algorithm: "ucb1",
    enabled: false,
    variants: [
      { variant: "hello", assigned: 30, completed: 20, mean: 0.5, interval: [0.3, 0.7] },
      { variant: "hi", assigned: 50, completed: 50, mean: 0.8, interval: [0.67, 0.89] },
    ],
  },
];

/** About 200 log-spaced points, as the bandit benchmark writes them. */
const regret: RegretCurve[] = [
  { arms: [0.04, 0.05, 0.06], horizon: 10_000 },
  { arms: [0.1, 0.2], horizon: 100_000 },
].flatMap(({ arms, horizon }) =>
  ["thompson", "ucb1", "epsilonGreedy(0.1)", "seed rule"].map((algorithm, i) => ({
    algorithm,
    arms,
    horizon,
    points: Array.from({ length: 200 }, (_, k) => {
      const t = Math.round(horizon ** ((k + 1) / 200));
      return [t, (2 + 3 * i) * Math.log(1 + t) + (i === 2 ? 0.002 * t : 0)] as const;
    }),
    boundConstant: 1.5,
  })),
);

let browser: Browser | undefined;
let html: string;

beforeAll(() => {
  html = renderReport({ title: "prosper report", experiments, regret });
});

afterAll(async () => {
  await browser?.close();
});

/**
 * Distinct colours of a screenshot and the share of its pixels that are not near-white, from the PNG's
 * bytes: 8-bit RGB or RGBA, not interlaced, as Chromium writes screenshots.
 */
function pixels(png: Buffer): { colours: Set<string>; inked: number } {
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const channels = { 2: 3, 6: 4 }[png[25]!];
  if (png[24] !== 8 || !channels || png[28] !== 0) throw new Error("not an 8-bit RGB(A), non-interlaced PNG");
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length; at += png.readUInt32BE(at) + 12)
    if (png.toString("latin1", at + 4, at + 8) === "IDAT")
      idat.push(png.subarray(at + 8, at + 8 + png.readUInt32BE(at)));
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  let previous = Buffer.alloc(stride);
  const colours = new Set<string>();
  let inked = 0;
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const row = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let i = 0; i < stride; i++) {
      const [a, b, c] = [
        i >= channels ? row[i - channels]! : 0,
        previous[i]!,
        i >= channels ? previous[i - channels]! : 0,
      ];
      const paeth = () => {
        const p = a + b - c;
        const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      };
      const predictor = [0, a, b, (a + b) >> 1, filter === 4 ? paeth() : 0][filter]!;
      row[i] = (row[i]! + predictor) & 0xff;
    }
    for (let x = 0; x < width; x++) {
      const [r, g, b] = [row[x * channels]!, row[x * channels + 1]!, row[x * channels + 2]!];
      colours.add(`#${[r, g, b].map((v) => v.toString(16).padStart(2, "0")).join("")}`);
      if (r + g + b < 740) inked++;
    }
    previous = row;
  }
  return { colours, inked: inked / (width * height) };
}

test.skipIf(!hasChromium && !requireBrowser)(
  "the report draws in Chromium under a CSP that allows only inline CSS",
  async () => {
    if (!hasChromium)
      throw new Error(
        `Chromium is missing at ${CHROMIUM}, and CI or PROSPER_REQUIRE_BROWSER=1 requires the browser test: apt-get install chromium`,
      );
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
    });
    const tab = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    const problems: string[] = [];
    tab.on("console", (message) => message.type() === "error" && problems.push(`console: ${message.text()}`));
    tab.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    // The report is the only thing served; anything else it asked for would be a dependency.
    await tab.route("**/*", (route) =>
      route.request().url() === ADDRESS
        ? route.fulfill({
            status: 200,
            contentType: "text/html",
            headers: { "content-security-policy": POLICY },
            body: html,
          })
        : (problems.push(`request: ${route.request().url()}`), route.abort()),
    );
    await tab.goto(ADDRESS);

    const plots = await tab.$$eval("svg.plot", (svgs) =>
      svgs.map((svg) => ({ kind: svg.dataset["plot"], ...svg.getBoundingClientRect().toJSON() })),
    );
    expect(plots.filter((p) => p.kind === "experiment")).toHaveLength(4);
    expect(plots.filter((p) => p.kind === "regret")).toHaveLength(2);
    for (const plot of plots) expect(plot.width * plot.height, JSON.stringify(plot)).toBeGreaterThan(0);

    const series = await tab.$$eval("svg.plot .series", (paths) => paths.map((p) => p.getAttribute("d") ?? ""));
    expect(series).toHaveLength(regret.length);
    for (const d of series) expect(d).toMatch(/^M[\d.]+ [\d.]+(L[\d.]+ [\d.]+)+$/);

    const marks = await tab.$$eval("svg.plot .bar, svg.plot .interval", (elements) =>
      elements.map((e) => ({
        cls: e.getAttribute("class"),
        d: e.getAttribute("d"),
        ...e.getBoundingClientRect().toJSON(),
      })),
    );
    expect(marks.filter((m) => m.cls === "bar")).toHaveLength(4); // the variant with no assignments has no bar
    expect(marks.filter((m) => m.cls === "interval")).toHaveLength(4);
    for (const mark of marks) {
      expect(mark.width * mark.height, JSON.stringify(mark)).toBeGreaterThan(0);
      if (mark.cls === "interval") expect(mark.d).toBeTruthy();
    }

    const chart = tab.locator('svg.plot[data-plot="regret"]').first();
    const strokes = await chart.locator(".series").evaluateAll((paths) => paths.map((p) => p.getAttribute("stroke")!));
    const { colours, inked } = pixels(await chart.screenshot());
    expect(colours.size).toBeGreaterThan(20); // lines, text and their anti-aliasing
    expect(inked).toBeGreaterThan(0.01);
    // Each algorithm's colour is on screen, at least along the middle of its line.
    for (const stroke of strokes) expect(colours).toContain(stroke);
    expect(problems).toEqual([]);
  },
  // Chromium starts in under a second here, but can take several on a cold or loaded CI machine.
  60_000,
);
