import type { Rule } from "../rule.js";

// hash (< 2^32) times the total must stay an exact integer in a double: total < 2^21.
const maxTotal = 2 ** 21;

export const algorithmWeights: Rule = {
  code: "PRS206",
  name: "algorithm-weights",
  severity: "error",
  description:
    "A weighted algorithm gives every variant, and only the variants, a non-negative integer weight; the total is positive.",
  check({ experiments }, report) {
    for (const experiment of experiments) {
      if (experiment.algorithm.kind !== "weighted") continue;
      const span = experiment.algorithmSpan ?? experiment.span;
      const { weights } = experiment.algorithm;
      const variants = experiment.variants.map((variant) => variant.name);
      const missing = variants.filter((name) => !Object.hasOwn(weights, name));
      const unknown = Object.keys(weights).filter((name) => !variants.includes(name));
      const invalid = Object.entries(weights).filter(([, weight]) => !Number.isSafeInteger(weight) || weight < 0);
      const total = Object.values(weights).reduce((sum, weight) => sum + weight, 0);
      const problems = [
        ...missing.map((name) => `variant "${name}" has no weight`),
        ...unknown.map((name) => `"${name}" is not a variant`),
        ...invalid.map(([name, weight]) => `the weight of "${name}" is ${weight}, not a non-negative integer`),
        ...(invalid.length === 0 && total <= 0 ? ["the weights add up to 0, so no variant could be chosen"] : []),
        ...(total >= maxTotal
          ? [`the weights add up to ${total}; keep the total under ${maxTotal} (they are ratios: scale them down)`]
          : []),
      ];
      for (const problem of problems)
        report({ message: `weighted algorithm of "${experiment.name}": ${problem}`, span });
    }
  },
};
