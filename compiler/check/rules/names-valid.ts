import { isArrayIndex } from "../../load/evaluate.js";
import type { Rule } from "../rule.js";

// Definition names become file names and keys in generated code: keep them portable.
const definitionName = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export const namesValid: Rule = {
  code: "PRS200",
  name: "names-valid",
  severity: "error",
  description:
    "Definition names are letters, digits, `_`, `.` and `-`; variant, symbol and bucket names are not empty; variant names are not integers.",
  check({ experiments, features }, report) {
    for (const definition of [...experiments, ...features]) {
      if (!definitionName.test(definition.name)) {
        report({
          message: `${definition.kind} name ${JSON.stringify(definition.name)} is not valid: use letters, digits, "_", "." and "-", starting with a letter or digit (it becomes a file name)`,
          span: definition.nameSpan,
        });
      }
    }
    const blank = (name: string) => name.trim() === "";
    for (const experiment of experiments) {
      for (const variant of experiment.variants) {
        if (blank(variant.name))
          report({ message: `a variant of "${experiment.name}" has an empty name`, span: variant.span });
        if (isArrayIndex(variant.name)) {
          report({
            message: `variant name "${variant.name}" looks like an integer: JavaScript puts such keys first in an object, so the variants' order (and which one is the control) would not be the order written`,
            span: variant.span,
          });
        }
        for (const symbol of variant.symbols) {
          if (blank(symbol.name))
            report({ message: `variant "${variant.name}" has a symbol with an empty name`, span: symbol.span });
        }
      }
    }
    for (const feature of features) {
      for (const bucket of feature.buckets) {
        if (blank(bucket.name))
          report({ message: `a bucket of "${feature.name}" has an empty name`, span: bucket.nameSpan });
      }
    }
  },
};
