/**
 * Type tests for the definition helpers (`prosper/define`): the mistakes the editor rejects on
 * its own, before `npm run compile` runs, and the definitions it must keep accepting.
 *
 * Every negative case has a positive twin next to it that differs only in the mistake, so each
 * `@ts-expect-error` fails for the reason it names; and each sits on the single line that errors,
 * so a helper loosened (to `any`, or to a wider type) leaves it unused, which fails the run.
 */
import {
  all,
  any,
  contextBoolean,
  contextNumber,
  contextString,
  eq,
  experiment,
  feature,
  gt,
  gte,
  hostname,
  lt,
  lte,
  ne,
  not,
  oneOf,
  regexMatch,
  runtimeVersion,
  sessionRandom,
  staticNumber,
  staticString,
  type BooleanAttribute,
  type Classifier,
  type ExperimentDefinition,
  type FeatureDefinition,
  type NumberAttribute,
  type RegexFlags,
  type StringAttribute,
} from "prosper/define";
import type { ExperimentJson, FeatureJson, RuntimeName } from "prosper-runtime";
import { describe, expectTypeOf, test } from "vitest";
import { checkoutCta } from "../golden/valid-shipped/definitions/checkout-cta.js";
import { greeting } from "../golden/valid-shipped/definitions/greeting.js";
import { holdout } from "../golden/valid-shipped/definitions/holdout.js";
import { newCheckout, searchPageSize } from "../golden/valid-shipped/definitions/new-checkout.js";

/** A classifier for buckets whose classifier is beside the point. */
const always = all();

describe("experiment(): every variant has the same symbols", () => {
  test("the same symbols in every variant type-check", () => {
    const ok = experiment({
      name: "e",
      variants: {
        a: { x: "s", y: 1 },
        b: { x: "t", y: 2 },
      },
    });
    expectTypeOf(ok).toEqualTypeOf<ExperimentDefinition>();
  });

  test("a variant missing a symbol is rejected", () => {
    experiment({
      name: "e",
      variants: {
        a: { x: "s", y: 1 },
        // @ts-expect-error variant b has no symbol y
        b: { x: "t" },
      },
    });
  });

  test("a variant with an extra symbol is rejected", () => {
    experiment({
      name: "e",
      variants: {
        // @ts-expect-error b has y, which a lacks: the error lands on the variant without it
        a: { x: "s" },
        b: { x: "t", y: 1 },
      },
    });
  });

  test("a missing symbol in the third variant is rejected too", () => {
    experiment({
      name: "e",
      variants: {
        a: { x: "s", y: 1 },
        b: { x: "t", y: 2 },
        // @ts-expect-error variant c has no symbol y
        c: { x: "u" },
      },
    });
  });
});

describe("experiment(): a symbol has one type in every variant", () => {
  test("different literals of one type type-check", () => {
    const ok = experiment({
      name: "e",
      variants: {
        a: { s: "Hello!", n: 1, b: true, l: [1, 2] },
        b: { s: "Hi!", n: 2.5, b: false, l: [3] },
        c: { s: "Hey!", n: -1, b: true, l: [] as number[] },
      },
    });
    expectTypeOf(ok).toEqualTypeOf<ExperimentDefinition>();
  });

  test("a string in one variant and a number in another is rejected", () => {
    experiment({
      name: "e",
      // @ts-expect-error symbol x is a string in a, a number in b
      variants: { a: { x: "1" }, b: { x: 1 } },
    });
  });

  test("a boolean in one variant and a string in another is rejected", () => {
    experiment({
      name: "e",
      // @ts-expect-error symbol x is a boolean in a, a string in b
      variants: { a: { x: true }, b: { x: "true" } },
    });
  });

  test("a difference in the last of three variants is rejected", () => {
    experiment({
      name: "e",
      // @ts-expect-error symbol x is a number in c only
      variants: { a: { x: "s" }, b: { x: "t" }, c: { x: 3 } },
    });
  });

  test("objects of the same shape type-check, nested too", () => {
    const ok = experiment({
      name: "e",
      variants: {
        a: { x: { columns: 2, dense: false, copy: { title: "A" } } },
        b: { x: { columns: 1, dense: true, copy: { title: "B" } } },
      },
    });
    expectTypeOf(ok).toEqualTypeOf<ExperimentDefinition>();
  });

  test("objects with different keys are rejected", () => {
    experiment({
      name: "e",
      // @ts-expect-error the object in b has key b where a's has key a
      variants: { a: { x: { a: 1 } }, b: { x: { b: 1 } } },
    });
  });

  test("an object with an extra key is rejected", () => {
    experiment({
      name: "e",
      // @ts-expect-error the object in b has a key more than a's
      variants: { a: { x: { a: 1 } }, b: { x: { a: 1, b: 2 } } },
    });
  });

  test("objects that differ deep inside are rejected", () => {
    experiment({
      name: "e",
      // @ts-expect-error x.y.z is a number in a, a string in b
      variants: { a: { x: { y: { z: 1 } } }, b: { x: { y: { z: "1" } } } },
    });
  });

  test("arrays of different element types are rejected", () => {
    experiment({
      name: "e",
      // @ts-expect-error x holds numbers in a, strings in b
      variants: { a: { x: [1] }, b: { x: ["1"] } },
    });
  });

  test("`as string | null` in every variant type-checks", () => {
    const ok = experiment({
      name: "e",
      variants: {
        a: { banner: null as string | null },
        b: { banner: "Save 20%" as string | null },
        c: { banner: null as string | null },
      },
    });
    expectTypeOf(ok).toEqualTypeOf<ExperimentDefinition>();
  });

  test("`null as string | null` beside plain strings and nulls type-checks", () => {
    // As in test/golden/valid-experiments: the annotation is written once, null fits any type.
    const ok = experiment({
      name: "e",
      variants: {
        a: { banner: null as string | null },
        b: { banner: "Save 20%" },
        c: { banner: null },
      },
    });
    expectTypeOf(ok).toEqualTypeOf<ExperimentDefinition>();
  });

  test("null does not make a number and a string the same type", () => {
    experiment({
      name: "e",
      // @ts-expect-error x is a number in b, a string in c
      variants: { a: { x: null }, b: { x: 1 }, c: { x: "s" } },
    });
  });

  test("a number does not fit `null as string | null`", () => {
    experiment({
      name: "e",
      // @ts-expect-error the annotation says string, b gives a number
      variants: { a: { x: null as string | null }, b: { x: 1 } },
    });
  });

  test("null in every variant type-checks", () => {
    const ok = experiment({
      name: "e",
      variants: { a: { x: null }, b: { x: null } },
    });
    expectTypeOf(ok).toEqualTypeOf<ExperimentDefinition>();
  });
});

describe("experiment(): weights name exactly the variants", () => {
  test("weights for every variant type-check", () => {
    const ok = experiment({
      name: "e",
      algorithm: { kind: "weighted", weights: { a: 1, b: 3 } },
      variants: { a: { x: "s" }, b: { x: "t" } },
    });
    expectTypeOf(ok).toEqualTypeOf<ExperimentDefinition>();
  });

  test("the random algorithm type-checks", () => {
    const ok = experiment({
      name: "e",
      algorithm: { kind: "random" },
      variants: { a: { x: "s" }, b: { x: "t" } },
    });
    expectTypeOf(ok).toEqualTypeOf<ExperimentDefinition>();
  });

  test("weights that miss a variant are rejected", () => {
    experiment({
      name: "e",
      // @ts-expect-error no weight for variant b
      algorithm: { kind: "weighted", weights: { a: 1 } },
      variants: { a: { x: "s" }, b: { x: "t" } },
    });
  });

  test("weights that name an unknown variant are rejected", () => {
    experiment({
      name: "e",
      // @ts-expect-error there is no variant c
      algorithm: { kind: "weighted", weights: { a: 1, b: 3, c: 1 } },
      variants: { a: { x: "s" }, b: { x: "t" } },
    });
  });

  test("an unknown algorithm kind is rejected", () => {
    experiment({
      name: "e",
      // @ts-expect-error there is no algorithm "epsilonGreedy"
      algorithm: { kind: "epsilonGreedy" },
      variants: { a: { x: "s" }, b: { x: "t" } },
    });
  });
});

describe("feature(): bucket values have the default's type", () => {
  test("booleans, numbers, strings and objects type-check", () => {
    const flag = feature({
      name: "flag",
      buckets: [{ name: "on", classifier: always, value: true }],
      default: false,
    });
    const size = feature({
      name: "size",
      buckets: [{ name: "big", classifier: always, value: 50 }],
      default: 20,
    });
    const label = feature({
      name: "label",
      buckets: [{ name: "short", classifier: always, value: "Buy" }],
      default: "Checkout",
    });
    const layout = feature({
      name: "layout",
      buckets: [{ name: "one", classifier: always, value: { cols: 1, tags: ["a"] } }],
      default: { cols: 2, tags: ["b", "c"] },
    });
    const banner = feature({
      name: "banner",
      buckets: [{ name: "sale", classifier: always, value: "Sale" }],
      default: null as string | null,
    });
    expectTypeOf(flag).toEqualTypeOf<FeatureDefinition>();
    expectTypeOf(size).toEqualTypeOf<FeatureDefinition>();
    expectTypeOf(label).toEqualTypeOf<FeatureDefinition>();
    expectTypeOf(layout).toEqualTypeOf<FeatureDefinition>();
    expectTypeOf(banner).toEqualTypeOf<FeatureDefinition>();
  });

  test("a number value under a boolean default is rejected", () => {
    feature({
      name: "flag",
      // @ts-expect-error 1 is not a boolean
      buckets: [{ name: "on", classifier: always, value: 1 }],
      default: false,
    });
  });

  test("a number value under a string default is rejected", () => {
    feature({
      name: "label",
      // @ts-expect-error 1 is not a string
      buckets: [{ name: "short", classifier: always, value: 1 }],
      default: "Checkout",
    });
  });

  test("an object of another shape than the default's is rejected", () => {
    feature({
      name: "layout",
      // @ts-expect-error the default has key cols, not rows
      buckets: [{ name: "one", classifier: always, value: { rows: 1 } }],
      default: { cols: 2 },
    });
  });

  test("an object missing a key of the default's is rejected", () => {
    feature({
      name: "layout",
      // @ts-expect-error the default has key cols
      buckets: [{ name: "one", classifier: always, value: {} }],
      default: { cols: 2 },
    });
  });

  test("an object that differs deep inside is rejected", () => {
    feature({
      name: "layout",
      // @ts-expect-error g.n is a number in the default
      buckets: [{ name: "b", classifier: always, value: { g: { n: "1" } } }],
      default: { g: { n: 2 } },
    });
  });

  test("runtimes are the known runtime names", () => {
    const ok = feature({
      name: "f",
      runtimes: ["node", "deno", "bun", "browser"],
      buckets: [],
      default: false,
    });
    expectTypeOf(ok).toEqualTypeOf<FeatureDefinition>();
    expectTypeOf<RuntimeName>().toEqualTypeOf<"node" | "deno" | "bun" | "browser">();
  });

  test("an unknown runtime name is rejected", () => {
    feature({
      name: "f",
      // @ts-expect-error there is no runtime "python"
      runtimes: ["node", "python"],
      buckets: [],
      default: false,
    });
  });
});

describe("classifiers compare an attribute with values of its type", () => {
  test("attributes carry their value type", () => {
    expectTypeOf(hostname()).toEqualTypeOf<StringAttribute>();
    expectTypeOf(runtimeVersion()).toEqualTypeOf<StringAttribute>();
    expectTypeOf(staticString("a")).toEqualTypeOf<StringAttribute>();
    expectTypeOf(contextString("c")).toEqualTypeOf<StringAttribute>();
    expectTypeOf(sessionRandom()).toEqualTypeOf<NumberAttribute>();
    expectTypeOf(sessionRandom("salt")).toEqualTypeOf<NumberAttribute>();
    expectTypeOf(staticNumber(1)).toEqualTypeOf<NumberAttribute>();
    expectTypeOf(contextNumber("n")).toEqualTypeOf<NumberAttribute>();
    expectTypeOf(contextBoolean("b")).toEqualTypeOf<BooleanAttribute>();
    expectTypeOf(hostname().eq).parameter(0).toEqualTypeOf<string>();
    expectTypeOf(contextNumber("n").eq).parameter(0).toEqualTypeOf<number>();
    expectTypeOf(contextBoolean("b").eq).parameter(0).toEqualTypeOf<boolean>();
  });

  test("equality of matching types type-checks, in both styles", () => {
    expectTypeOf(eq(hostname(), "web-1")).toEqualTypeOf<Classifier>();
    expectTypeOf(ne(contextNumber("n"), 3)).toEqualTypeOf<Classifier>();
    expectTypeOf(oneOf(contextString("c"), ["NL", "BE"])).toEqualTypeOf<Classifier>();
    expectTypeOf(oneOf(contextNumber("n"), [1, 2])).toEqualTypeOf<Classifier>();
    expectTypeOf(hostname().eq("web-1")).toEqualTypeOf<Classifier>();
    expectTypeOf(hostname().ne("web-1")).toEqualTypeOf<Classifier>();
    expectTypeOf(contextString("c").oneOf(["NL"])).toEqualTypeOf<Classifier>();
    expectTypeOf(contextBoolean("x").eq(true)).toEqualTypeOf<Classifier>();
    expectTypeOf(eq(contextBoolean("x"), false)).toEqualTypeOf<Classifier>();
  });

  test("a string attribute compared with a number is rejected, function style", () => {
    // @ts-expect-error 3 is not a string
    eq(hostname(), 3);
    // @ts-expect-error 3 is not a string
    ne(hostname(), 3);
    // @ts-expect-error 1 is not a string
    oneOf(contextString("c"), [1]);
  });

  test("a string attribute compared with a number is rejected, chain style", () => {
    // @ts-expect-error 3 is not a string
    hostname().eq(3);
    // @ts-expect-error 3 is not a string
    hostname().ne(3);
    // @ts-expect-error 1 is not a string
    contextString("c").oneOf([1]);
  });

  test("other mismatched comparisons are rejected", () => {
    // @ts-expect-error "1" is not a number
    contextNumber("n").eq("1");
    // @ts-expect-error "1" is not a number
    oneOf(contextNumber("n"), ["1"]);
    // @ts-expect-error "true" is not a boolean
    contextBoolean("x").eq("true");
    // @ts-expect-error 1 is not a boolean
    eq(contextBoolean("x"), 1);
  });

  test("ordering on number attributes type-checks, in both styles", () => {
    expectTypeOf(lt(sessionRandom(), 0.1)).toEqualTypeOf<Classifier>();
    expectTypeOf(lte(contextNumber("n"), 1)).toEqualTypeOf<Classifier>();
    expectTypeOf(gt(staticNumber(3), 1)).toEqualTypeOf<Classifier>();
    expectTypeOf(gte(contextNumber("n"), 50)).toEqualTypeOf<Classifier>();
    expectTypeOf(sessionRandom().lt(0.2)).toEqualTypeOf<Classifier>();
    expectTypeOf(contextNumber("n").gte(50)).toEqualTypeOf<Classifier>();
    expectTypeOf(contextNumber("n")).toHaveProperty("lte");
    expectTypeOf(contextNumber("n")).toHaveProperty("gt");
  });

  test("ordering on a string attribute is rejected", () => {
    // @ts-expect-error a string attribute has no order
    lt(hostname(), 1);
    // @ts-expect-error a string attribute has no order
    gte(contextString("c"), 1);
    // @ts-expect-error a string attribute has no lt
    hostname().lt(1);
    // @ts-expect-error a string attribute has no gt
    contextString("c").gt(1);
    expectTypeOf(hostname()).not.toHaveProperty("lt");
    expectTypeOf(hostname()).not.toHaveProperty("lte");
    expectTypeOf(hostname()).not.toHaveProperty("gt");
    expectTypeOf(hostname()).not.toHaveProperty("gte");
  });

  test("ordering on a boolean attribute is rejected", () => {
    // @ts-expect-error a boolean attribute has no order
    lt(contextBoolean("x"), 1);
    expectTypeOf(contextBoolean("x")).not.toHaveProperty("lt");
  });

  test("regexes on string attributes type-check, in both styles", () => {
    expectTypeOf(regexMatch(hostname(), "^len.+")).toEqualTypeOf<Classifier>();
    expectTypeOf(regexMatch(hostname(), "^len", "i")).toEqualTypeOf<Classifier>();
    expectTypeOf(hostname().matches("^len.+")).toEqualTypeOf<Classifier>();
    expectTypeOf(contextString("c").matches("^n", "imsu")).toEqualTypeOf<Classifier>();
    expectTypeOf(runtimeVersion().matches("^20\\.", "")).toEqualTypeOf<Classifier>();
    expectTypeOf(hostname()).toHaveProperty("matches");
  });

  test("regexes on number and boolean attributes are rejected", () => {
    // @ts-expect-error a number attribute is not a string
    regexMatch(contextNumber("n"), "^1");
    // @ts-expect-error a number attribute has no matches
    contextNumber("n").matches("^1");
    // @ts-expect-error a boolean attribute is not a string
    regexMatch(contextBoolean("x"), "^t");
    expectTypeOf(sessionRandom()).not.toHaveProperty("matches");
    expectTypeOf(contextBoolean("x")).not.toHaveProperty("matches");
  });

  test("regex flags are i, m, s and u, each at most once, in any order", () => {
    expectTypeOf<"mi">().toExtend<RegexFlags>();
    expectTypeOf<"usmi">().toExtend<RegexFlags>();
    expectTypeOf<"">().toExtend<RegexFlags>();
    expectTypeOf<"i">().toExtend<RegexFlags>();
    expectTypeOf<"is">().toExtend<RegexFlags>();
    expectTypeOf<"imsu">().toExtend<RegexFlags>();
    expectTypeOf<"g">().not.toExtend<RegexFlags>();
    expectTypeOf<"y">().not.toExtend<RegexFlags>();
    expectTypeOf<"ig">().not.toExtend<RegexFlags>();
    expectTypeOf<"ii">().not.toExtend<RegexFlags>();
    expectTypeOf<"d">().not.toExtend<RegexFlags>();
    expectTypeOf<string>().not.toExtend<RegexFlags>();
  });

  test("other regex flags are rejected, in both styles", () => {
    // @ts-expect-error g makes matching stateful
    hostname().matches("^len", "g");
    // @ts-expect-error g makes matching stateful
    regexMatch(hostname(), "^len", "g");
    // @ts-expect-error y makes matching stateful
    hostname().matches("^len", "y");
    // @ts-expect-error ig carries g
    regexMatch(hostname(), "^len", "ig");
  });
});

describe("classifiers combine", () => {
  test("chains: and, or, not", () => {
    const staff = contextBoolean("staff").eq(true);
    const nl = contextString("country").eq("NL");
    const sample = sessionRandom().lt(0.1);
    expectTypeOf(staff.and(nl)).toEqualTypeOf<Classifier>();
    expectTypeOf(staff.and(nl, sample)).toEqualTypeOf<Classifier>();
    expectTypeOf(staff.or(nl.and(sample))).toEqualTypeOf<Classifier>();
    expectTypeOf(staff.not()).toEqualTypeOf<Classifier>();
    expectTypeOf(staff.or(nl).not().and(sample)).toEqualTypeOf<Classifier>();
  });

  test("functions: all, any, not", () => {
    const staff = contextBoolean("staff").eq(true);
    const nl = contextString("country").eq("NL");
    expectTypeOf(all()).toEqualTypeOf<Classifier>();
    expectTypeOf(any()).toEqualTypeOf<Classifier>();
    expectTypeOf(all(staff, nl)).toEqualTypeOf<Classifier>();
    expectTypeOf(any(staff, not(nl))).toEqualTypeOf<Classifier>();
    expectTypeOf(not(all(lt(sessionRandom(), 0.1), regexMatch(hostname(), "^len")))).toEqualTypeOf<Classifier>();
  });

  test("an attribute is not a classifier", () => {
    // @ts-expect-error an attribute needs a comparison first
    all(contextBoolean("staff"));
    // @ts-expect-error an attribute needs a comparison first
    hostname().eq("a").and(contextBoolean("staff"));
  });
});

describe("definitions are plain data", () => {
  test("experiment() and feature() return the JSON documents, exactly as the compiler writes them", () => {
    expectTypeOf(experiment).returns.toEqualTypeOf<ExperimentDefinition>();
    expectTypeOf(feature).returns.toEqualTypeOf<FeatureDefinition>();
    expectTypeOf<ExperimentDefinition>().toEqualTypeOf<ExperimentJson>();
    expectTypeOf<FeatureDefinition>().toEqualTypeOf<FeatureJson>();
    expectTypeOf<ExperimentDefinition["formatVersion"]>().toEqualTypeOf<number>();
    expectTypeOf<ExperimentDefinition["kind"]>().toEqualTypeOf<"experiment">();
    expectTypeOf<FeatureDefinition["kind"]>().toEqualTypeOf<"feature">();
  });

  test("the shipped definitions are definitions", () => {
    expectTypeOf(greeting).toEqualTypeOf<ExperimentDefinition>();
    expectTypeOf(checkoutCta).toEqualTypeOf<ExperimentDefinition>();
    expectTypeOf(holdout).toEqualTypeOf<FeatureDefinition>();
    expectTypeOf(newCheckout).toEqualTypeOf<FeatureDefinition>();
    expectTypeOf(searchPageSize).toEqualTypeOf<FeatureDefinition>();
  });
});
