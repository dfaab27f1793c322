/**
 * A self-contained HTML report of experiment results and bandit regret curves. Plots are inline SVG
 * computed here, with no script and nothing fetched, so the page opens anywhere and under a strict
 * CSP. Pure and deterministic: the same input gives the same bytes; odd input gives a note, never a throw.
 */
import type { ExperimentResults, VariantResults } from "./experiments/results.js";

export type { ExperimentResults, VariantResults } from "./experiments/results.js";

/** One algorithm's mean cumulative regret over a horizon, on Bernoulli arms, as the bandit benchmark writes it. */
export interface RegretCurve {
  /** E.g. "thompson", "ucb1", "epsilonGreedy(0.1)", "seed rule". */
  readonly algorithm: string;
  /** The arms' Bernoulli success probabilities, e.g. [0.04, 0.05, 0.06]. */
  readonly arms: readonly number[];
  readonly horizon: number;
  /** t ascending. */
  readonly points: readonly (readonly [t: number, meanCumulativeRegret: number])[];
  /** Lai–Robbins c, so the lower bound curve is c·ln t. */
  readonly boundConstant?: number;
}

export interface ReportInput {
  readonly title?: string;
  readonly experiments?: readonly ExperimentResults[];
  readonly regret?: readonly RegretCurve[];
}

// More points than a plot is pixels wide only makes the file heavy.
const MAX_POINTS = 500;
// Okabe–Ito, without the yellow that is unreadable on white: distinguishable with colour blindness.
const COLOURS = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#555555"];
const LABEL_CHARS = 24;

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text safe in element content and quoted attributes; control characters and lone surrogates become U+FFFD. */
function esc(value: unknown): string {
  return String(value ?? "")
    .replace(/[&<>"']/g, (c) => ESCAPES[c]!)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ud800-\udfff]/gu, "\ufffd");
}

/** At most `max` code points, so an emoji is never cut in half. */
function clip(value: unknown, max: number): string {
  const chars = Array.from(String(value ?? ""));
  return chars.length <= max ? chars.join("") : `${chars.slice(0, max - 1).join("")}…`;
}

const finite = (x: unknown): number | null => (typeof x === "number" && Number.isFinite(x) ? x : null);
const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
// Far inside the doubles, so that no difference or product of two of them overflows to Infinity.
const LIMIT = 1e300;
const bounded = (x: number) => Math.min(LIMIT, Math.max(-LIMIT, x));
/** [min, max] of many values, without spreading them into arguments (which overflows the stack). */
function extent(values: readonly number[]): [number, number] {
  let [min, max] = [Infinity, -Infinity];
  for (const v of values) [min, max] = [Math.min(min, v), Math.max(max, v)];
  return [min, max];
}
const objects = <T>(x: unknown): T[] =>
  Array.isArray(x) ? x.filter((item): item is T => item !== null && typeof item === "object") : [];

/** A coordinate: one decimal, and 0 rather than NaN whatever arithmetic came before. */
const px = (n: number) => String(Number.isFinite(n) ? Math.round(n * 10) / 10 : 0);

const count = (n: number | null) =>
  n === null ? "—" : Math.abs(n) >= 1e15 ? n.toExponential(2) : String(Math.round(n)).replace(/\B(?=(\d{3})+$)/g, ",");
const decimal = (n: number | null, digits = 4) => (n === null ? "—" : n.toFixed(digits));

function tickLabel(n: number): string {
  if (n !== 0 && (Math.abs(n) >= 1e6 || Math.abs(n) < 1e-3)) return n.toExponential(1);
  return Number.isInteger(n) ? count(n) : String(Number(n.toPrecision(3)));
}

/** About five round ticks covering [low, high]. */
function niceTicks(low: number, high: number): number[] {
  [low, high] = [bounded(low), bounded(high)];
  if (!(high - low > 1e-12)) high = low + 1;
  const raw = (high - low) / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const first = Math.floor(low / step);
  const last = Math.ceil(high / step);
  const ticks = Array.from({ length: Math.min(50, last - first + 1) || 0 }, (_, i) => (first + i) * step);
  return ticks.length > 1 && ticks.every(Number.isFinite) ? ticks : [low, high];
}

const scale = (d0: number, d1: number, r0: number, r1: number) => (v: number) =>
  d1 === d0 ? r0 : r0 + ((v - d0) / (d1 - d0)) * (r1 - r0);

/** Every `step`-th item, the last one always kept, down to at most `max`. */
function downsample<T>(items: readonly T[], max: number): readonly T[] {
  if (items.length <= max) return items;
  return Array.from({ length: max }, (_, i) => items[Math.round((i * (items.length - 1)) / (max - 1))]!);
}

type Labels = readonly [title: string, description: string];

function svg(kind: "experiment" | "regret", id: string, [width, height]: number[], labels: Labels, body: string) {
  return (
    `<svg class="plot" data-plot="${kind}" xmlns="http://www.w3.org/2000/svg" role="img" ` +
    `viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" aria-labelledby="${id}-title ${id}-desc">` +
    `<title id="${id}-title">${esc(labels[0])}</title><desc id="${id}-desc">${esc(labels[1])}</desc>${body}</svg>`
  );
}

const note = (text: string) => `<p class="note">${esc(text)}</p>`;
const line = (x1: number, y1: number, x2: number, y2: number, cls: string) =>
  `<line class="${cls}" x1="${px(x1)}" y1="${px(y1)}" x2="${px(x2)}" y2="${px(y2)}"/>`;
const text = (x: number, y: number, anchor: "start" | "middle" | "end", content: string, cls = "label") =>
  `<text class="${cls}" x="${px(x)}" y="${px(y)}" text-anchor="${anchor}">${content}</text>`;
/** A label clipped to fit, with the whole of it as a tooltip. */
const nameLabel = (x: number, y: number, name: string) =>
  text(x, y, "end", `<title>${esc(name)}</title>${esc(clip(name, LABEL_CHARS))}`);

/** Vertical grid lines with tick labels below, and the axis title under them. */
function xAxis(ticks: readonly number[], x: (v: number) => number, top: number, bottom: number, title: string) {
  const [first, last] = [x(ticks[0]!), x(ticks[ticks.length - 1]!)];
  const marks = ticks.map(
    (t) => line(x(t), top, x(t), bottom, "grid") + text(x(t), bottom + 16, "middle", tickLabel(t)),
  );
  const axis = line(first, bottom, last, bottom, "axis");
  return marks.join("") + axis + text((first + last) / 2, bottom + 34, "middle", esc(title), "axis-title");
}

/** A variant as plotted: counts are null unless non-negative, fractions are clamped into [0, 1]. */
type Row = ReturnType<typeof row>;

function row(variant: Partial<VariantResults>) {
  const countOf = (x: unknown) => (finite(x) !== null && (x as number) >= 0 ? (x as number) : null);
  const mean = finite(variant.mean);
  const [low, high] = Array.isArray(variant.interval) ? variant.interval.map(finite) : [null, null];
  const best = finite(variant.probabilityBest);
  return {
    name: String(variant.variant ?? ""),
    assigned: countOf(variant.assigned),
    completed: countOf(variant.completed),
    mean: mean === null ? null : clamp01(mean),
    interval:
      low == null || high == null ? null : ([clamp01(Math.min(low, high)), clamp01(Math.max(low, high))] as const),
    best: best === null ? null : clamp01(best),
  };
}

const [WIDTH, LEFT, ROW] = [640, 180, 26];
type Mark = (y: number, r: Row) => string;

/** One row per variant, its name on the left, so that long names and many variants both fit. */
function rowsPlot(rows: readonly Row[], id: string, labels: Labels, axis: (bottom: number) => string, mark: Mark) {
  const height = rows.length * ROW + 58;
  const marks = rows.map((r, i) => {
    const y = 12 + (i + 0.5) * ROW;
    return nameLabel(LEFT - 8, y + 4, r.name) + mark(y, r);
  });
  return svg("experiment", id, [WIDTH, height], labels, axis(height - 46) + marks.join(""));
}

function meansPlot(name: string, rows: readonly Row[], id: string): string {
  if (!rows.some((r) => r.mean !== null)) return note("No completions yet: no means to plot.");
  const x = scale(0, 1, LEFT, WIDTH - 24);
  const labels = [
    `${name}: mean score by variant`,
    "Each variant's mean score on a 0 to 1 axis, with its 95% interval as an error bar.",
  ] as const;
  const axis = (bottom: number) => xAxis([0, 0.25, 0.5, 0.75, 1], x, 6, bottom, "mean score (95% interval)");
  return rowsPlot(rows, id, labels, axis, (y, r) => {
    if (r.mean === null) return text(LEFT + 4, y + 4, "start", "no completions yet", "muted");
    let bar = "";
    if (r.interval) {
      // Never narrower than 2px, so that a tight interval still shows.
      const [low, high] = [x(r.interval[0]), x(r.interval[1])];
      const [a, b] = high - low < 2 ? [(low + high) / 2 - 1, (low + high) / 2 + 1] : [low, high];
      const [top, bottom] = [px(y - 5), px(y + 5)];
      bar = `<path class="interval" d="M${px(a)} ${px(y)}H${px(b)}M${px(a)} ${top}V${bottom}M${px(b)} ${top}V${bottom}"/>`;
    }
    return bar + `<circle class="mean" cx="${px(x(r.mean))}" cy="${px(y)}" r="4"/>`;
  });
}

function assignmentsPlot(name: string, rows: readonly Row[], id: string): string {
  const most = extent(rows.map((r) => r.assigned ?? 0))[1];
  if (!(most > 0)) return note("No assignments yet: nothing to chart.");
  const ticks = niceTicks(0, most);
  const x = scale(0, ticks[ticks.length - 1]!, LEFT, WIDTH - 24);
  const axis = (bottom: number) => xAxis(ticks, x, 6, bottom, "assignments");
  const labels = [`${name}: assignments by variant`, "How many units each variant was assigned."] as const;
  return rowsPlot(rows, id, labels, axis, (y, r) => {
    if (!r.assigned) return text(LEFT + 4, y + 4, "start", "0", "muted");
    const width = Math.max(1, x(r.assigned) - LEFT);
    const bar = `<rect class="bar" x="${LEFT}" y="${px(y - 8)}" width="${px(width)}" height="16"/>`;
    return bar + text(LEFT + width + 4, y + 4, "start", count(r.assigned), "value");
  });
}

function experimentSection(experiment: Partial<ExperimentResults>, id: () => string): string {
  const name = String(experiment.experiment ?? "");
  const rows = objects<Partial<VariantResults>>(experiment.variants).map(row);
  const withBest = rows.some((r) => r.best !== null);
  const head = ["Variant", "Assigned", "Completed", "Mean", "95% interval", ...(withBest ? ["P(best)"] : [])];
  const cells = rows.map((r) => {
    const interval = r.interval ? `${decimal(r.interval[0])} – ${decimal(r.interval[1])}` : "—";
    const best = r.best === null ? "—" : `${(r.best * 100).toFixed(1)}%`;
    const values = [count(r.assigned), count(r.completed), decimal(r.mean), interval, ...(withBest ? [best] : [])];
    return `<tr><th scope="row">${esc(r.name)}</th>${values.map((v) => `<td>${esc(v)}</td>`).join("")}</tr>`;
  });
  const table = rows.length
    ? `<table><thead><tr>${head.map((h) => `<th scope="col">${h}</th>`).join("")}</tr></thead><tbody>${cells.join("")}</tbody></table>`
    : note("This experiment has no variants.");
  const status = experiment.enabled === true ? "enabled" : "disabled";
  return (
    `<section class="experiment"><h2>${esc(name)}</h2>` +
    `<p class="meta">${esc(experiment.algorithm ?? "unknown algorithm")} · ${status}</p>` +
    (experiment.message == null ? "" : note(String(experiment.message))) +
    table +
    (rows.length ? meansPlot(name, rows, id()) + assignmentsPlot(name, rows, id()) : "") +
    `</section>`
  );
}

function armsText(arms: unknown): string {
  const values = Array.isArray(arms) ? arms.map((a) => (finite(a) === null ? "?" : String(a))) : [];
  return values.length > 12 ? `${values.slice(0, 12).join(", ")}, … (${values.length} arms)` : values.join(", ");
}

/** The Lai–Robbins lower bound c·ln t for each constant given, sampled densely where it bends. */
function boundCurves(curves: readonly RegretCurve[], tMax: number) {
  const constants = [...new Set(curves.map((curve) => finite(curve.boundConstant)))];
  const ts = Array.from({ length: 101 }, (_, k) => tMax ** (k / 100));
  const points = (c: number) => ts.map((t) => [t, bounded(c * Math.log(t))] as const);
  return constants.filter((c): c is number => c !== null && c > 0 && tMax > 1).map((c) => ({ c, points: points(c) }));
}

function regretPlot(curves: readonly RegretCurve[], colourOf: (algorithm: string) => string, id: string): string {
  const arms = armsText(curves[0]!.arms);
  const horizon = finite(curves[0]!.horizon);
  const title = `Regret on arms ${arms || "(none given)"} · horizon ${count(horizon)}`;
  const series = curves.map((curve) => {
    const valid = objects<readonly unknown[]>(curve.points)
      .filter((p): p is [number, number] => finite(p[0]) !== null && (p[0] as number) >= 0 && finite(p[1]) !== null)
      .map(([t, r]) => [Math.min(LIMIT, t), bounded(r)] as const)
      .sort((a, b) => a[0] - b[0]);
    const algorithm = String(curve.algorithm ?? "");
    return { algorithm, points: downsample(valid, MAX_POINTS), colour: colourOf(algorithm) };
  });
  const drawn = series.filter((s) => s.points.length);
  const notes = series.filter((s) => !s.points.length).map((s) => note(`${s.algorithm}: no valid points to plot.`));
  const heading = `<h3>${esc(title)}</h3>`;
  if (!drawn.length) return heading + notes.join("");

  const lastT = extent(drawn.map((s) => s.points[s.points.length - 1]![0]))[1];
  const tMax = Math.min(LIMIT, Math.max(horizon !== null && horizon > 0 ? horizon : 0, lastT)) || 1;
  const bounds = boundCurves(curves, tMax);
  const [yMin, yMax] = extent([...drawn, ...bounds].flatMap((s) => s.points.map((p) => p[1])));
  const yTicks = niceTicks(Math.min(0, yMin), yMax);
  const xTicks = niceTicks(0, tMax);

  // The legend's height grows the chart when there are many algorithms.
  const [width, left, right, top, bottom] = [720, 64, 520, 14, 300];
  const height = Math.max(360, top + 20 * (drawn.length + bounds.length) + 12);
  const x = scale(0, xTicks[xTicks.length - 1]!, left, right);
  const y = scale(yTicks[0]!, yTicks[yTicks.length - 1]!, bottom, top);
  const path = (points: readonly (readonly [number, number])[]) =>
    points.map(([t, r], i) => `${i ? "L" : "M"}${px(x(t))} ${px(y(r))}`).join("") + (points.length === 1 ? "h0" : "");
  const yAxis =
    yTicks.map((v) => line(left, y(v), right, y(v), "grid") + text(left - 6, y(v) + 4, "end", tickLabel(v))).join("") +
    line(left, top, left, bottom, "axis") +
    `<text class="axis-title" transform="translate(16 ${px((top + bottom) / 2)}) rotate(-90)" text-anchor="middle">mean cumulative regret</text>`;
  const lines = drawn.map(
    (s) => `<path class="series" stroke="${s.colour}" d="${path(s.points)}"><title>${esc(s.algorithm)}</title></path>`,
  );
  const boundLines = bounds.map((b) => `<path class="bound" d="${path(b.points)}"/>`);
  const legend = [
    ...drawn.map((s) => ({ cls: "series", colour: s.colour, label: s.algorithm })),
    ...bounds.map((b) => ({ cls: "bound", colour: "", label: `Lai–Robbins ${tickLabel(b.c)}·ln t` })),
  ].map((item, i) => {
    const at = top + 8 + i * 20;
    const stroke = item.colour ? ` stroke="${item.colour}"` : "";
    return (
      `<g class="legend"><line class="${item.cls}-key"${stroke} x1="${right + 16}" y1="${at}" x2="${right + 40}" y2="${at}"/>` +
      text(right + 46, at + 4, "start", `<title>${esc(item.label)}</title>${esc(clip(item.label, LABEL_CHARS))}`) +
      `</g>`
    );
  });
  const description =
    `Mean cumulative regret against t for ${drawn.map((s) => s.algorithm).join(", ")}` +
    (bounds.length ? ", with the Lai–Robbins lower bound c·ln t dashed." : ".");
  const body =
    xAxis(xTicks, x, top, bottom, "t (rounds)") + yAxis + boundLines.join("") + lines.join("") + legend.join("");
  return heading + svg("regret", id, [width, height], [title, description], body) + notes.join("");
}

function regretSection(curves: readonly RegretCurve[], id: () => string): string {
  // One chart per arm set and horizon, in the order they first appear; one colour per algorithm throughout.
  const groups = new Map<string, RegretCurve[]>();
  const algorithms: string[] = [];
  for (const curve of curves) {
    const key = `${armsText(curve.arms)}|${finite(curve.horizon)}`;
    groups.set(key, [...(groups.get(key) ?? []), curve]);
    if (!algorithms.includes(String(curve.algorithm ?? ""))) algorithms.push(String(curve.algorithm ?? ""));
  }
  const colourOf = (algorithm: string) => COLOURS[algorithms.indexOf(algorithm) % COLOURS.length]!;
  const charts = [...groups.values()].map((group) => regretPlot(group, colourOf, id()));
  return `<section class="regret"><h2>Bandit regret</h2>${charts.join("")}</section>`;
}

const STYLE = `:root{color-scheme:light;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#fff}
body{margin:0}main{max-width:960px;margin:0 auto;padding:24px 16px 48px}
h1{font-size:1.6rem;overflow-wrap:anywhere}h2{font-size:1.25rem;margin-top:2.2rem;overflow-wrap:anywhere}
h3{font-size:1rem;font-weight:600;color:#444;margin-top:1.6rem;overflow-wrap:anywhere}.meta{color:#57606a;margin-top:-.6rem}
.note{color:#6b4a00;background:#fff8e5;border-left:3px solid #e6a700;padding:6px 10px}
table{border-collapse:collapse;margin:12px 0;font-variant-numeric:tabular-nums}
th,td{padding:4px 12px;border-bottom:1px solid #d8dee4;text-align:right;white-space:nowrap}
thead th{border-bottom:2px solid #8c959f}thead th:first-child{text-align:left}tbody th{text-align:left;font-weight:500;white-space:normal;overflow-wrap:anywhere;max-width:320px}
svg.plot{display:block;max-width:100%;height:auto;margin:12px 0;font-size:12px}
svg .grid{stroke:#eaeef2}svg .axis{stroke:#8c959f}svg text{fill:#333}svg .muted{fill:#8c959f;font-style:italic}
svg .axis-title{fill:#57606a}svg .bar{fill:#0072b2}svg .mean{fill:#d55e00}
svg .interval{stroke:#1f2328;stroke-width:1.5;fill:none}
svg .series,svg .series-key{fill:none;stroke-width:2;stroke-linejoin:round;stroke-linecap:round}
svg .bound,svg .bound-key{fill:none;stroke:#444;stroke-width:1.5;stroke-dasharray:6 4}`;

function page(input: ReportInput | null | undefined): string {
  const given: Partial<ReportInput> = input !== null && typeof input === "object" ? input : {};
  const title = typeof given.title === "string" && given.title ? given.title : "prosper report";
  let plots = 0;
  const id = () => `plot-${++plots}`;
  const experiments = objects<Partial<ExperimentResults>>(given.experiments);
  const curves = objects<RegretCurve>(given.regret);
  const sections = [
    ...experiments.map((e) => experimentSection(e, id)),
    ...(curves.length ? [regretSection(curves, id)] : []),
  ];
  return document(
    title,
    sections.join("") || note("Nothing to report: no experiment results and no regret curves were given."),
  );
}

function document(title: string, body: string): string {
  return (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8">` +
    // The page needs nothing but its own inline CSS; the policy says so, and stops anything else.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title>` +
    `<style>${STYLE}</style></head><body><main><h1>${esc(title)}</h1>${body}</main></body></html>\n`
  );
}

/** One self-contained HTML document: a table and plots per experiment, then a regret chart per arm set. */
export function renderReport(input: ReportInput): string {
  try {
    return page(input);
  } catch {
    // Input stranger than the checks foresee (a getter that throws, say) still gives a document.
    return document("prosper report", note("The report could not be rendered from the input it was given."));
  }
}
