import { murmur3 } from "prosper/runtime";
import { bench, describe } from "vitest";
import { createFeatures } from "../../generated/index.js";

/**
 * Feature evaluation against the same logic written by hand, measured in one run so that the
 * ratio holds on a noisy machine. The budget: within 1.5x of hand-written. Run: npm run bench.
 */
const environment = { hostname: "lenovo-7", sessionRandom: 0.15 };
const features = createFeatures(environment);

// What a careful engineer would write without prosper: process constants computed once.
const hostnameIsLen = /^len.+/.test(environment.hostname);
const holdoutByHand = (): boolean => {
  const random = environment.sessionRandom;
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

const users = Array.from({ length: 1024 }, (_, i) => ({
  unitId: `user-${i}`,
  staff: i % 50 === 0,
  country: ["NL", "US", "BE", "DE"][i % 4]!,
}));
let sink = 0;
let next = 0;

describe("holdout (process constants only)", () => {
  bench("hand-written", () => {
    sink += holdoutByHand() ? 1 : 0;
  });
  bench("prosper features.get", () => {
    sink += features.get("holdout") ? 1 : 0;
  });
});

describe("new-checkout (context, hashed unitId)", () => {
  bench("hand-written", () => {
    sink += newCheckoutByHand(users[next++ & 1023]!) ? 1 : 0;
  });
  bench("prosper features.get", () => {
    sink += features.get("new-checkout", users[next++ & 1023]!) ? 1 : 0;
  });
});

describe("search-page-size (context, no match: default)", () => {
  const context = { platform: "web", searchesLastWeek: 3 };
  bench("hand-written", () => {
    const platform = context.platform;
    sink += platform === "ios" || platform === "android" ? 10 : context.searchesLastWeek >= 50 ? 50 : 20;
  });
  bench("prosper features.get", () => {
    sink += features.get("search-page-size", context);
  });
});

export { sink };
