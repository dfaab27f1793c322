import { murmur3 } from "prosper-runtime";
import { bench, describe } from "vitest";
import { createFeatures } from "../golden/valid-shipped/generated/index.js";

/**
 * Feature evaluation against the same logic written by hand, measured in one run so that the
 * ratio holds on a noisy machine; the budget is 1.5x. Each iteration evaluates 1,024 contexts, so
 * that the harness's own cost per call (tens of nanoseconds) does not hide the difference.
 * Run: npm run bench.
 */
const environment = { hostname: "lenovo-7", sessionRandom: 0.15 };
const features = createFeatures(environment);

// What a careful engineer would write without prosper: process constants computed once.
const hostnameIsLen = /^len.+/.test(environment.hostname);
const holdoutByHand = (context: { unitId?: string }): boolean => {
  const random =
    context.unitId === undefined ? environment.sessionRandom : murmur3(`sessionRandom:${context.unitId}`) / 2 ** 32;
  if (random < 0.1 && hostnameIsLen) return true;
  if (random < 0.2 && hostnameIsLen) return false;
  return false;
};

const beneluxCountries = new Set(["NL", "BE", "LU"]);
const newCheckoutByHand = (context: { unitId?: string; staff?: boolean; country?: string }): boolean => {
  if (context.staff === true) return true;
  if (
    typeof context.country === "string" &&
    beneluxCountries.has(context.country) &&
    context.unitId !== undefined &&
    murmur3(`new-checkout:${context.unitId}`) / 2 ** 32 < 0.25
  ) {
    return true;
  }
  return false;
};

const mobile = new Set(["ios", "android"]);
const searchPageSizeByHand = (context: { platform?: string; searchesLastWeek?: number }): number => {
  if (typeof context.platform === "string" && mobile.has(context.platform)) return 10;
  if (typeof context.searchesLastWeek === "number" && context.searchesLastWeek >= 50) return 50;
  return 20;
};

const contexts = Array.from({ length: 1024 }, (_, i) => ({
  unitId: `user-${i}`,
  staff: i % 50 === 0,
  country: ["NL", "US", "BE", "DE"][i % 4]!,
  platform: ["web", "ios", "web", "android", "web"][i % 5]!,
  searchesLastWeek: (i * 7) % 100,
}));
const anonymous = contexts.map(() => ({}));
let sink = 0;

const each = (inputs: readonly object[], evaluate: (context: never) => unknown) => () => {
  for (const context of inputs) sink += evaluate(context as never) ? 1 : 0;
};

describe("holdout, no unit id: process constants only (x1024)", () => {
  bench("hand-written", each(anonymous, holdoutByHand));
  bench(
    "prosper features.get",
    each(anonymous, (context) => features.get("holdout", context)),
  );
});

describe("holdout, hashed unit id (x1024)", () => {
  bench("hand-written", each(contexts, holdoutByHand));
  bench(
    "prosper features.get",
    each(contexts, (context) => features.get("holdout", context)),
  );
});

describe("new-checkout: context and hashed unit id (x1024)", () => {
  bench("hand-written", each(contexts, newCheckoutByHand));
  bench(
    "prosper features.get",
    each(contexts, (context) => features.get("new-checkout", context)),
  );
});

describe("search-page-size: two context buckets (x1024)", () => {
  bench("hand-written", each(contexts, searchPageSizeByHand));
  bench(
    "prosper features.get",
    each(contexts, (context) => features.get("search-page-size", context)),
  );
});

export { sink };
