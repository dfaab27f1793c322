import { GrowthBookClient, type FeatureDefinition } from "@growthbook/growthbook";
import { cuts, environment, sessionFraction, timed, unitFraction, type Implementation, type User } from "./common.js";

/**
 * The bench's cases for GrowthBook's server-side client (`GrowthBookClient`, one instance for the
 * process, a user context per call), written as its docs show: a feature payload given to
 * `initSync`, process facts as global attributes, `getFeatureValue(key, default, { attributes })`.
 *
 * Same answers: GrowthBook hashes with FNV-1a, which cannot reproduce prosper's murmur3 split, so
 * each call computes prosper's unit fraction with the same murmur3 (inside the timed call) and
 * passes it as an attribute that the rules' conditions compare (`$lt`). The hostname regex is
 * GrowthBook's own `$regex` on the global `hostname` attribute. Besides, `three (own hashing)` runs
 * the three-variant experiment as GrowthBook's own experiment rule on the unit id (FNV, hash
 * version 2): its answers differ from prosper's by design, so only the split is compared.
 */

const lenHost = { $regex: "^len.+" };

const features: Record<string, FeatureDefinition> = {
  banner: {
    defaultValue: "default",
    rules: [
      { condition: { sessionRandom: { $lt: 0.1 }, hostname: lenHost }, force: "A" },
      { condition: { sessionRandom: { $lt: 0.9 }, hostname: lenHost }, force: "B" },
    ],
  },
  holdout: {
    defaultValue: false,
    rules: [
      { condition: { sessionRandom: { $lt: 0.1 }, hostname: lenHost }, force: true },
      { condition: { sessionRandom: { $lt: 0.2 }, hostname: lenHost }, force: false },
    ],
  },
  "new-checkout": {
    defaultValue: false,
    rules: [
      { condition: { staff: true }, force: true },
      { condition: { country: { $in: ["NL", "BE", "LU"] }, newCheckoutRandom: { $lt: 0.25 } }, force: true },
    ],
  },
  "search-page-size": {
    defaultValue: 20,
    rules: [
      { condition: { platform: { $in: ["ios", "android"] } }, force: 10 },
      { condition: { searchesLastWeek: { $gte: 50 } }, force: 50 },
    ],
  },
  "checkout-cta-color": {
    defaultValue: "blue",
    rules: [
      { condition: { checkoutCtaFraction: { $lt: cuts.checkoutCta[0] } }, force: "blue" },
      { condition: { checkoutCtaFraction: { $lt: cuts.checkoutCta[1] } }, force: "red" },
      { force: "green" },
    ],
  },
  greeting: {
    defaultValue: "Hello!",
    rules: [
      { condition: { greetingFraction: { $lt: cuts.greeting[0] } }, force: "Hello!" },
      { condition: { greetingFraction: { $lt: cuts.greeting[1] } }, force: "Hi there!" },
      { force: "Hey!" },
    ],
  },
  three: {
    defaultValue: "A",
    rules: [
      { condition: { threeFraction: { $lt: cuts.three[0] } }, force: "A" },
      { condition: { threeFraction: { $lt: cuts.three[1] } }, force: "B" },
      { force: "C" },
    ],
  },
  "three-native": {
    defaultValue: "A",
    rules: [
      {
        key: "bench-three",
        seed: "bench-three",
        hashAttribute: "id",
        hashVersion: 2,
        variations: ["A", "B", "C"],
        weights: [1 / 3, 1 / 3, 1 / 3],
      },
    ],
  },
};

export function growthBook(): Record<string, Implementation> {
  const client = new GrowthBookClient({
    globalAttributes: { hostname: environment.hostname, sessionRandom: environment.sessionRandom },
  }).initSync({ payload: { features } });

  // An anonymous user leaves `sessionRandom` to the global attribute, the process's session random.
  const banner = (user: User): string =>
    client.getFeatureValue("banner", "default", {
      attributes:
        user.unitId === undefined ? {} : { id: user.unitId, sessionRandom: unitFraction("sessionRandom", user.unitId) },
    });
  const holdout = (user: User): boolean =>
    client.getFeatureValue("holdout", false, {
      attributes:
        user.unitId === undefined ? {} : { id: user.unitId, sessionRandom: unitFraction("sessionRandom", user.unitId) },
    });
  const newCheckout = (user: User): boolean =>
    client.getFeatureValue("new-checkout", false, {
      attributes: {
        id: user.unitId,
        staff: user.staff,
        country: user.country,
        newCheckoutRandom: sessionFraction("new-checkout", user.unitId),
      },
    });
  const searchPageSize = (user: User): number =>
    client.getFeatureValue("search-page-size", 20, {
      attributes: { id: user.unitId, platform: user.platform, searchesLastWeek: user.searchesLastWeek },
    });
  const checkoutCtaColor = (user: User): string =>
    client.getFeatureValue("checkout-cta-color", "blue", {
      attributes: { id: user.unitId, checkoutCtaFraction: unitFraction("checkout-cta", user.unitId!) },
    });
  const greeting = (user: User): string =>
    client.getFeatureValue("greeting", "Hello!", {
      attributes: { id: user.unitId, greetingFraction: unitFraction("greeting_experiment", user.unitId!) },
    });
  const three = (user: User): string =>
    client.getFeatureValue("three", "A", {
      attributes: { id: user.unitId, threeFraction: unitFraction("bench-three", user.unitId!) },
    });
  const threeNative = (user: User): string =>
    client.getFeatureValue("three-native", "A", { attributes: { id: user.unitId } });

  return {
    banner: {
      answer: banner,
      measure: timed((users) => {
        let tally = 0;
        for (let i = 0; i < users.length; i++) if (banner(users[i]!) === "A") tally++;
        return tally;
      }),
    },
    holdout: {
      answer: holdout,
      measure: timed((users) => {
        let tally = 0;
        for (let i = 0; i < users.length; i++) if (holdout(users[i]!)) tally++;
        return tally;
      }),
    },
    "new-checkout": {
      answer: newCheckout,
      measure: timed((users) => {
        let tally = 0;
        for (let i = 0; i < users.length; i++) if (newCheckout(users[i]!)) tally++;
        return tally;
      }),
    },
    "search-page-size": {
      answer: searchPageSize,
      measure: timed((users) => {
        let tally = 0;
        for (let i = 0; i < users.length; i++) tally += searchPageSize(users[i]!);
        return tally;
      }),
    },
    "checkout-cta": {
      answer: checkoutCtaColor,
      measure: timed((users) => {
        let tally = 0;
        for (let i = 0; i < users.length; i++) if (checkoutCtaColor(users[i]!) === "red") tally++;
        return tally;
      }),
    },
    greeting: {
      answer: greeting,
      measure: timed((users) => {
        let tally = 0;
        for (let i = 0; i < users.length; i++) if (greeting(users[i]!) === "Hey!") tally++;
        return tally;
      }),
    },
    three: {
      answer: three,
      measure: timed((users) => {
        let tally = 0;
        for (let i = 0; i < users.length; i++) if (three(users[i]!) === "A") tally++;
        return tally;
      }),
    },
    "three-native": {
      check: "split",
      answer: threeNative,
      measure: timed((users) => {
        let tally = 0;
        for (let i = 0; i < users.length; i++) if (threeNative(users[i]!) === "A") tally++;
        return tally;
      }),
    },
  };
}
