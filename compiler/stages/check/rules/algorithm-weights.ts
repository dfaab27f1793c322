import type { Rule } from "../rule.js";

// hash (< 2^32) times the total must stay an exact integer in a double: total < 2^21.
const maxTotal = 2 ** 21;

export const algorithmWeights: Rule = {
  code: "PRS206",
  name: "algorithm-weights",
  severity: "error",
  description:
    "A weighted algorithm gives every variant, and only the variants, a non-negative integer weight; the total is positive and under 2^21.",
  check({ experiments }, report) {
    for (const { document, source } of experiments) {
      const { algorithm } = document;
      if (algorithm.kind !== "weighted") continue;
      const { weights } = algorithm;
      const problem = (message: string, path: readonly (string | number)[], key = false) =>
        report({
          message: `weighted algorithm of "${document.name}": ${message}`,
          span: key ? source.keyAt(path) : source.at(path),
          source,
        });
      const variants = document.variants.map((variant) => variant.name);
      for (const name of variants)
        if (!Object.hasOwn(weights, name)) problem(`variant "${name}" has no weight`, ["algorithm", "weights"]);
      for (const [name, weight] of Object.entries(weights)) {
        if (!variants.includes(name)) problem(`"${name}" is not a variant`, ["algorithm", "weights", name], true);
        else if (!Number.isSafeInteger(weight))
          problem(`the weight of "${name}" is ${weight}, not an integer (weights are ratios: scale them up)`, [
            "algorithm",
            "weights",
            name,
          ]);
      }
      const total = variants.reduce((sum, name) => sum + (weights[name] ?? 0), 0);
      if (total <= 0) problem("the weights add up to 0, so no variant could be chosen", ["algorithm", "weights"]);
      if (total >= maxTotal)
        problem(`the weights add up to ${total}; keep the total under ${maxTotal} (they are ratios: scale them down)`, [
          "algorithm",
          "weights",
        ]);
    }
  },
};
