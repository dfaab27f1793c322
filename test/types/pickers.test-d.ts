/**
 * Type tests for the generated module (of the shipped examples, kept as the golden case `valid-shipped` so that a project's own definitions cannot break them): the typed pickers an application
 * uses. Symbol values, variant names and feature values are the literal types written in
 * `definitions/`, and names the definitions do not declare are rejected.
 */
import type { Assignment, CompleteResult, FeatureEvaluation, Reason } from "prosper-runtime";
import { describe, expectTypeOf, test } from "vitest";
import {
  createExperiments,
  createFeatures,
  type ExperimentName,
  type Experiments,
  type FeatureName,
  type Features,
  type SymbolName,
  type SymbolValue,
} from "../golden/valid-shipped/generated/index.js";

/** The greeting values written in definitions/greeting.ts, one per variant. */
type GreetingLiterals = "Hello!" | "Hi there!" | "Hey!";

describe("experiments", () => {
  const experiments = createExperiments();

  test("pick resolves to the symbol's values in every variant", () => {
    expectTypeOf(experiments.pick("user-1", "greeting")).toEqualTypeOf<Promise<"Hello!" | "Hi there!" | "Hey!">>();
    expectTypeOf(experiments.pick("user-1", "ctaLabel")).toEqualTypeOf<Promise<"Checkout" | "Buy now">>();
    expectTypeOf(experiments.pick("user-1", "freeShippingFrom")).resolves.toEqualTypeOf<50 | 35>();
  });

  test("forUnit picks synchronously, with the same types", async () => {
    const unit = await experiments.forUnit("u");
    expectTypeOf(unit.pick("ctaColor")).toEqualTypeOf<"blue" | "red" | "green">();
    expectTypeOf(unit.pick("freeShippingFrom")).toEqualTypeOf<50 | 35>();
    expectTypeOf(unit.pick("greeting")).toEqualTypeOf<GreetingLiterals>();
    expectTypeOf(unit.unitId).toEqualTypeOf<string>();
    expectTypeOf(unit.assignment("checkout-cta").variant).toEqualTypeOf<"control" | "urgent" | "generous">();
  });

  test("an unknown symbol is rejected", async () => {
    // @ts-expect-error no experiment declares the symbol "farewell"
    void experiments.pick("user-1", "farewell");
    const unit = await experiments.forUnit("u");
    // @ts-expect-error no experiment declares the symbol "farewell"
    unit.pick("farewell");
    // @ts-expect-error symbol names are case-sensitive
    unit.pick("Greeting");
  });

  test("assign resolves to an assignment of the experiment's variants", async () => {
    const assignment = await experiments.assign("greeting_experiment", "user-1");
    expectTypeOf(assignment).toEqualTypeOf<Assignment<"control" | "friendly" | "casual">>();
    expectTypeOf(assignment.variant).toEqualTypeOf<"control" | "friendly" | "casual">();
    expectTypeOf(assignment.reason).toEqualTypeOf<Reason>();
    expectTypeOf(assignment.index).toEqualTypeOf<number>();
    const cta = await experiments.assign("checkout-cta", "user-1");
    expectTypeOf(cta.variant).toEqualTypeOf<"control" | "urgent" | "generous">();
  });

  test("the lifecycle takes the experiments' names", () => {
    expectTypeOf(experiments.enable("greeting_experiment")).toEqualTypeOf<Promise<boolean>>();
    expectTypeOf(experiments.disable("checkout-cta")).toEqualTypeOf<Promise<boolean>>();
    expectTypeOf(experiments.isEnabled("checkout-cta")).toEqualTypeOf<Promise<boolean>>();
    expectTypeOf(experiments.complete("greeting_experiment", "user-1", 1)).toEqualTypeOf<Promise<CompleteResult>>();
    expectTypeOf(experiments.enable).parameter(0).toEqualTypeOf<ExperimentName>();
    expectTypeOf(experiments.disable).parameter(0).toEqualTypeOf<ExperimentName>();
    expectTypeOf(experiments.complete).parameter(0).toEqualTypeOf<ExperimentName>();
  });

  test("unknown experiment names are rejected", async () => {
    // @ts-expect-error there is no experiment "greeting" (that is a symbol)
    void experiments.enable("greeting");
    // @ts-expect-error there is no experiment "checkout"
    void experiments.disable("checkout");
    // @ts-expect-error there is no experiment "greeting-experiment"
    void experiments.complete("greeting-experiment", "user-1", 1);
    // @ts-expect-error there is no experiment "greeting"
    void experiments.isEnabled("greeting");
    // @ts-expect-error there is no experiment "greeting"
    void experiments.assign("greeting", "user-1");
    const unit = await experiments.forUnit("u");
    // @ts-expect-error there is no experiment "greeting"
    unit.assignment("greeting");
  });
});

describe("features", () => {
  const features = createFeatures();

  test("get returns the feature's value type", () => {
    expectTypeOf(features.get("holdout")).toEqualTypeOf<boolean>();
    expectTypeOf(features.get("new-checkout", { country: "NL" })).toEqualTypeOf<boolean>();
    expectTypeOf(features.get("search-page-size")).toEqualTypeOf<20 | 10 | 50>();
    expectTypeOf(
      features.get("search-page-size", {
        platform: "ios",
        searchesLastWeek: 60,
      }),
    ).toEqualTypeOf<20 | 10 | 50>();
  });

  test("evaluate returns the value, the bucket and the reason", () => {
    const evaluation = features.evaluate("new-checkout", {
      unitId: "u",
      staff: true,
      country: "NL",
    });
    expectTypeOf(evaluation).toEqualTypeOf<FeatureEvaluation<boolean>>();
    expectTypeOf(evaluation.value).toEqualTypeOf<boolean>();
    expectTypeOf(evaluation.bucket).toEqualTypeOf<string>();
    expectTypeOf(evaluation.reason).toEqualTypeOf<Exclude<Reason, "FORCED">>();
    expectTypeOf(evaluation.reason).toEqualTypeOf<"TARGETING_MATCH" | "SPLIT" | "DEFAULT" | "DISABLED" | "ERROR">();
    expectTypeOf(features.evaluate("search-page-size").value).toEqualTypeOf<20 | 10 | 50>();
  });

  test("a feature taken by name keeps its value and context types", () => {
    const newCheckout = features.feature("new-checkout");
    expectTypeOf(newCheckout.get({ country: "NL" })).toEqualTypeOf<boolean>();
    expectTypeOf(newCheckout.get()).toEqualTypeOf<boolean>();
    expectTypeOf(newCheckout.evaluate({ staff: true })).toEqualTypeOf<FeatureEvaluation<boolean>>();
    expectTypeOf(features.feature("search-page-size").get({ platform: "ios" })).toEqualTypeOf<20 | 10 | 50>();
    // @ts-expect-error country is a string
    newCheckout.get({ country: 1 });
    // @ts-expect-error new-checkout reads country, not countri
    newCheckout.evaluate({ countri: "NL" });
    // @ts-expect-error there is no feature "new_checkout"
    features.feature("new_checkout");
    // @ts-expect-error the feature is frozen
    newCheckout.get = () => true;
  });

  test("evaluation results are read-only: they are shared between evaluations", () => {
    const result = features.evaluate("holdout");
    // @ts-expect-error value is readonly
    result.value = true;
    // @ts-expect-error bucket is readonly
    result.bucket = "control";
  });

  test("an unknown feature name is rejected", () => {
    // @ts-expect-error there is no feature "new_checkout"
    features.get("new_checkout");
    // @ts-expect-error there is no feature "dark-mode"
    features.evaluate("dark-mode");
  });

  test("a known context key with a value of the wrong type is rejected", () => {
    // @ts-expect-error country is a string
    features.get("new-checkout", { country: 1 });
    // @ts-expect-error staff is a boolean
    features.evaluate("new-checkout", { staff: "yes" });
    // @ts-expect-error searchesLastWeek is a number
    features.get("search-page-size", { searchesLastWeek: "x" });
    // @ts-expect-error unitId is a string
    features.get("holdout", { unitId: 3 });
  });

  test("a context key the feature does not read is rejected", () => {
    // @ts-expect-error new-checkout reads country, not countri
    features.get("new-checkout", { countri: "NL" });
  });

  test("the context is the feature's, and optional (each key may be given as undefined)", () => {
    expectTypeOf(features.get<"new-checkout">)
      .parameter(1)
      .toEqualTypeOf<
        { unitId?: string | undefined; staff?: boolean | undefined; country?: string | undefined } | undefined
      >();
    expectTypeOf(features.get<"search-page-size">)
      .parameter(1)
      .toEqualTypeOf<
        | { unitId?: string | undefined; platform?: string | undefined; searchesLastWeek?: number | undefined }
        | undefined
      >();
    // Under exactOptionalPropertyTypes, an app that has no country yet may still pass the key.
    features.get("new-checkout", { country: undefined });
  });
});

describe("exported helper types", () => {
  test("names", () => {
    expectTypeOf<ExperimentName>().toEqualTypeOf<"checkout-cta" | "greeting_experiment">();
    expectTypeOf<FeatureName>().toEqualTypeOf<"holdout" | "new-checkout" | "search-page-size">();
    expectTypeOf<SymbolName>().toEqualTypeOf<"ctaLabel" | "ctaColor" | "freeShippingFrom" | "greeting">();
  });

  test("symbol values", () => {
    expectTypeOf<SymbolValue<"greeting">>().toEqualTypeOf<"Hello!" | "Hi there!" | "Hey!">();
    expectTypeOf<SymbolValue<"ctaColor">>().toEqualTypeOf<"blue" | "red" | "green">();
    expectTypeOf<SymbolValue<"freeShippingFrom">>().toEqualTypeOf<50 | 35>();
  });

  test("SymbolValue takes only symbol names", () => {
    // @ts-expect-error "farewell" is not a symbol
    expectTypeOf<SymbolValue<"farewell">>().toBeNever();
  });

  test("the generated greeting type is exactly the literals in definitions/greeting.ts", () => {
    type Generated = Experiments["greeting_experiment"]["symbols"]["greeting"];
    // Equality is both directions: every generated value is written, and every written value is generated.
    expectTypeOf<Generated>().toEqualTypeOf<GreetingLiterals>();
    expectTypeOf<GreetingLiterals>().toExtend<Generated>();
    expectTypeOf<Generated>().toExtend<GreetingLiterals>();
    expectTypeOf<"Hello!">().toExtend<Generated>();
    expectTypeOf<"Hi there!">().toExtend<Generated>();
    expectTypeOf<"Hey!">().toExtend<Generated>();
    expectTypeOf<"Hello">().not.toExtend<Generated>();
    expectTypeOf<string>().not.toExtend<Generated>();
    expectTypeOf<Experiments["greeting_experiment"]["variant"]>().toEqualTypeOf<"control" | "friendly" | "casual">();
    expectTypeOf<keyof Experiments["greeting_experiment"]["symbols"]>().toEqualTypeOf<"greeting">();
  });

  test("feature values and contexts", () => {
    expectTypeOf<Features["holdout"]["value"]>().toEqualTypeOf<boolean>();
    expectTypeOf<Features["search-page-size"]["value"]>().toEqualTypeOf<20 | 10 | 50>();
    expectTypeOf<Features["holdout"]["context"]>().toEqualTypeOf<{
      unitId?: string | undefined;
    }>();
  });
});
