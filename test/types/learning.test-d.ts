/**
 * Type tests for the learning API of the generated module: `force` and the `forced` option take
 * the experiment's own variant names, `results` and `onExposure` have their documented types, and
 * a project whose definitions name custom algorithms cannot create its experiments without
 * registering every one of them.
 */
import type { Algorithm, Arm, ExperimentResults, Exposure, JsonValue, VariantResults } from "prosper-runtime";
import { results as resultsOf } from "prosper-runtime/results";
import { describe, expectTypeOf, test } from "vitest";
import {
  createExperiments as createLearningExperiments,
  type CustomAlgorithms,
} from "../golden/valid-learning-algorithms/generated/index.js";
import { createExperiments, type ExperimentName, type Experiments } from "../golden/valid-shipped/generated/index.js";

describe("force", () => {
  const experiments = createExperiments();

  test("takes the experiment's variant names, or undefined to undo", () => {
    expectTypeOf(experiments.force("greeting_experiment", "friendly")).toEqualTypeOf<boolean>();
    expectTypeOf(experiments.force("greeting_experiment", "casual", "user-1")).toEqualTypeOf<boolean>();
    expectTypeOf(experiments.force("checkout-cta", "urgent")).toEqualTypeOf<boolean>();
    expectTypeOf(experiments.force("greeting_experiment", undefined)).toEqualTypeOf<boolean>();
    expectTypeOf(experiments.force("checkout-cta", undefined, "user-1")).toEqualTypeOf<boolean>();
  });

  test("rejects other names", () => {
    // @ts-expect-error "friendlyy" is not a variant of greeting_experiment
    experiments.force("greeting_experiment", "friendlyy");
    // @ts-expect-error "urgent" is a variant of checkout-cta, not of greeting_experiment
    experiments.force("greeting_experiment", "urgent");
    // @ts-expect-error "friendly" is a variant of greeting_experiment, not of checkout-cta
    experiments.force("checkout-cta", "friendly");
    // @ts-expect-error there is no experiment "greeting"
    experiments.force("greeting", "friendly");
    // @ts-expect-error a unit id is a string
    experiments.force("greeting_experiment", "friendly", 42);
  });

  test("the forced option is typed the same way", () => {
    createExperiments({ forced: { greeting_experiment: "friendly" } });
    createExperiments({ forced: { greeting_experiment: "casual", "checkout-cta": "generous" } });
    createExperiments({ forced: {} });
    // @ts-expect-error "friendlyy" is not a variant of greeting_experiment
    createExperiments({ forced: { greeting_experiment: "friendlyy" } });
    // @ts-expect-error "urgent" is a variant of checkout-cta, not of greeting_experiment
    createExperiments({ forced: { greeting_experiment: "urgent" } });
    // @ts-expect-error there is no experiment "greeting"
    createExperiments({ forced: { greeting: "friendly" } });
  });
});

describe("results", () => {
  const experiments = createExperiments();

  test("resolves to the experiment's results", () => {
    expectTypeOf(resultsOf(experiments, "greeting_experiment")).toEqualTypeOf<Promise<ExperimentResults>>();
    expectTypeOf(resultsOf<Experiments>)
      .parameter(1)
      .toEqualTypeOf<ExperimentName>();
    expectTypeOf<ExperimentResults["variants"]>().toEqualTypeOf<readonly VariantResults[]>();
    expectTypeOf<VariantResults["mean"]>().toEqualTypeOf<number | null>();
    expectTypeOf<VariantResults["interval"]>().toEqualTypeOf<readonly [low: number, high: number] | null>();
    expectTypeOf<VariantResults["assigned"]>().toEqualTypeOf<number>();
    expectTypeOf<VariantResults["probabilityBest"]>().toEqualTypeOf<number | undefined>();
    // @ts-expect-error there is no experiment "greeting"
    void resultsOf(experiments, "greeting");
  });

  test("flush resolves to nothing", () => {
    expectTypeOf(experiments.flush()).toEqualTypeOf<Promise<void>>();
  });
});

describe("onExposure", () => {
  test("is told the experiment, the variant and the unit", () => {
    createExperiments({
      onExposure: (exposure) => {
        expectTypeOf(exposure).toEqualTypeOf<Exposure>();
        expectTypeOf(exposure.experiment).toEqualTypeOf<string>();
        expectTypeOf(exposure.variant).toEqualTypeOf<string>();
        expectTypeOf(exposure.unitId).toEqualTypeOf<string>();
      },
    });
    // @ts-expect-error onExposure is a function
    createExperiments({ onExposure: "log" });
  });

  test("the other learning options", () => {
    createExperiments({ statsRefreshMs: 5000, random: Math.random });
    // @ts-expect-error statsRefreshMs is a number of milliseconds
    createExperiments({ statsRefreshMs: "5s" });
  });
});

describe("custom algorithms", () => {
  const softmax: Algorithm = {
    choose: (arms, random, parameters) => {
      expectTypeOf(arms).toEqualTypeOf<readonly Arm[]>();
      expectTypeOf(random).toEqualTypeOf<() => number>();
      expectTypeOf(parameters).toEqualTypeOf<JsonValue | undefined>();
      return Math.floor(random() * arms.length);
    },
  };
  const houseRule: Algorithm = { choose: () => 0 };

  test("every algorithm the definitions name must be registered", () => {
    expectTypeOf<keyof CustomAlgorithms>().toEqualTypeOf<"softmax" | "house-rule">();
    const experiments = createLearningExperiments({ algorithms: { softmax, "house-rule": houseRule } });
    expectTypeOf(experiments.force("pricing", "higher")).toEqualTypeOf<boolean>();
    createLearningExperiments({ algorithms: { softmax, "house-rule": { choose: (arms) => arms.length - 1 } } });
  });

  test("without algorithms, or with one missing, it does not compile", () => {
    // @ts-expect-error the definitions name custom algorithms: `algorithms` is required
    createLearningExperiments();
    // @ts-expect-error the definitions name custom algorithms: `algorithms` is required
    createLearningExperiments({});
    // @ts-expect-error "house-rule" is missing
    createLearningExperiments({ algorithms: { softmax } });
    // @ts-expect-error "softmax" is missing
    createLearningExperiments({ algorithms: { "house-rule": houseRule } });
    // @ts-expect-error an algorithm has a choose method
    createLearningExperiments({ algorithms: { softmax, "house-rule": {} } });
  });
});
