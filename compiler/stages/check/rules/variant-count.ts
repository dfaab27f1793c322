import type { Rule } from "../rule.js";

export const variantCount: Rule = {
  code: "PRS202",
  name: "variant-count",
  severity: "error",
  description: "An experiment has at least two variants: the control and something to compare it with.",
  check({ experiments }, report) {
    for (const { document, source } of experiments) {
      if (document.variants.length >= 2) continue;
      report({
        message: `experiment "${document.name}" has only one variant: it needs a control and at least one more`,
        span: source.at(["variants"]),
        source,
      });
    }
  },
};
