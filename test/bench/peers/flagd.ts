import { cuts, environment, sessionFraction, timed, unitFraction, type Implementation, type User } from "./common.js";

/**
 * The bench's cases for `@openfeature/flagd-core`, flagd's in-process evaluator (what the flagd
 * providers run): one flag configuration in flagd's JSON format, given to `setConfigurations`,
 * and `resolve<Type>Evaluation(key, default, context)` per call, with its default options
 * (json-logic-engine compiles targeting rules with `new Function`).
 *
 * Same answers: flagd's `fractional` hashes murmur3 of its own key into integer-percent buckets,
 * which cannot reproduce prosper's split, so each call computes prosper's unit fraction with the
 * same murmur3 (inside the timed call) and passes it in the context, compared with `<`. flagd's
 * rules have no regex: `^len.+` is `starts_with "len"` and not equal to "len" (a hostname has no
 * line breaks). flagd-core has no global context, so the hostname goes in every call's context.
 */

const lenHostAnd = (random: string, below: number) => ({
  and: [
    { "<": [{ var: random }, below] },
    { starts_with: [{ var: "hostname" }, "len"] },
    { "!=": [{ var: "hostname" }, "len"] },
  ],
});
const below = (fraction: string, cut: number) => ({ "<": [{ var: fraction }, cut] });

const flags = {
  banner: {
    state: "ENABLED",
    variants: { A: "A", B: "B", default: "default" },
    defaultVariant: "default",
    targeting: { if: [lenHostAnd("sessionRandom", 0.1), "A", lenHostAnd("sessionRandom", 0.9), "B", "default"] },
  },
  holdout: {
    state: "ENABLED",
    variants: { on: true, off: false },
    defaultVariant: "off",
    targeting: { if: [lenHostAnd("sessionRandom", 0.1), "on", lenHostAnd("sessionRandom", 0.2), "off", "off"] },
  },
  "new-checkout": {
    state: "ENABLED",
    variants: { on: true, off: false },
    defaultVariant: "off",
    targeting: {
      if: [
        { "===": [{ var: "staff" }, true] },
        "on",
        { and: [{ in: [{ var: "country" }, ["NL", "BE", "LU"]] }, below("newCheckoutRandom", 0.25)] },
        "on",
        "off",
      ],
    },
  },
  "search-page-size": {
    state: "ENABLED",
    variants: { mobile: 10, power: 50, default: 20 },
    defaultVariant: "default",
    targeting: {
      if: [
        { in: [{ var: "platform" }, ["ios", "android"]] },
        "mobile",
        { ">=": [{ var: "searchesLastWeek" }, 50] },
        "power",
        "default",
      ],
    },
  },
  "checkout-cta-color": {
    state: "ENABLED",
    variants: { control: "blue", urgent: "red", generous: "green" },
    defaultVariant: "control",
    targeting: {
      if: [
        below("fraction", cuts.checkoutCta[0]),
        "control",
        below("fraction", cuts.checkoutCta[1]),
        "urgent",
        "generous",
      ],
    },
  },
  greeting: {
    state: "ENABLED",
    variants: { control: "Hello!", friendly: "Hi there!", casual: "Hey!" },
    defaultVariant: "control",
    targeting: {
      if: [below("fraction", cuts.greeting[0]), "control", below("fraction", cuts.greeting[1]), "friendly", "casual"],
    },
  },
  three: {
    state: "ENABLED",
    variants: { a: "A", b: "B", c: "C" },
    defaultVariant: "a",
    targeting: { if: [below("fraction", cuts.three[0]), "a", below("fraction", cuts.three[1]), "b", "c"] },
  },
};

/**
 * Loaded by node at run time, not bundled: the bench bundle's `--conditions=prosper-source` drops
 * esbuild's default `module` condition, so it would bundle flagd-core's CommonJS build, whose
 * `require("crypto")` an ESM bundle cannot run. A computed specifier keeps esbuild from bundling it.
 */
async function loadFlagdCore(): Promise<typeof import("@openfeature/flagd-core")> {
  const specifier = ["@openfeature", "flagd-core"].join("/");
  return (await import(specifier)) as typeof import("@openfeature/flagd-core");
}

export async function flagd(): Promise<Record<string, Implementation>> {
  const { FlagdCore } = await loadFlagdCore();
  const core = new FlagdCore();
  core.setConfigurations(JSON.stringify({ flags }));
  const { hostname } = environment;

  const banner = (user: User): string =>
    core.resolveStringEvaluation("banner", "default", {
      ...(user.unitId === undefined ? {} : { targetingKey: user.unitId }),
      hostname,
      sessionRandom: sessionFraction("sessionRandom", user.unitId),
    }).value;
  const holdout = (user: User): boolean =>
    core.resolveBooleanEvaluation("holdout", false, {
      ...(user.unitId === undefined ? {} : { targetingKey: user.unitId }),
      hostname,
      sessionRandom: sessionFraction("sessionRandom", user.unitId),
    }).value;
  const newCheckout = (user: User): boolean =>
    core.resolveBooleanEvaluation("new-checkout", false, {
      ...(user.unitId === undefined ? {} : { targetingKey: user.unitId }),
      hostname,
      staff: user.staff,
      country: user.country,
      newCheckoutRandom: sessionFraction("new-checkout", user.unitId),
    }).value;
  const searchPageSize = (user: User): number =>
    core.resolveNumberEvaluation("search-page-size", 20, {
      ...(user.unitId === undefined ? {} : { targetingKey: user.unitId }),
      hostname,
      platform: user.platform,
      searchesLastWeek: user.searchesLastWeek,
    }).value;
  const checkoutCtaColor = (user: User): string =>
    core.resolveStringEvaluation("checkout-cta-color", "blue", {
      targetingKey: user.unitId!,
      hostname,
      fraction: unitFraction("checkout-cta", user.unitId!),
    }).value;
  const greeting = (user: User): string =>
    core.resolveStringEvaluation("greeting", "Hello!", {
      targetingKey: user.unitId!,
      hostname,
      fraction: unitFraction("greeting_experiment", user.unitId!),
    }).value;
  const three = (user: User): string =>
    core.resolveStringEvaluation("three", "A", {
      targetingKey: user.unitId!,
      hostname,
      fraction: unitFraction("bench-three", user.unitId!),
    }).value;

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
  };
}
