import type { Rule } from "../rule.js";

export const variantCount: Rule = {
  code: "PRS202",
  name: "variant-count",
  severity: "error",
  description: "An experiment has at least two variants: the control and something to compare it with.",
  check({ experiments }, report) {
    for (const experiment of experiments) {
      const count = experiment.variants.length;
      if (count < 2) {
        report({
          message: `experiment "${experiment.name}" has ${count === 0 ? "no variants" : "only one variant"}: it needs a control and at least one more`,
          span: experiment.variantsSpan,
        });
      }
    }
  },
};
