import type { Rule } from "../rule.js";
import { sameType, typeOf } from "../value-shape.js";

export const symbolTypesMatch: Rule = {
  code: "PRS204",
  name: "symbol-types-match",
  severity: "error",
  description: "A symbol's value has the same type in every variant as in the control.",
  check({ experiments }, report) {
    for (const experiment of experiments) {
      const [control, ...others] = experiment.variants;
      if (!control) continue;
      const controlSymbols = new Map(control.symbols.map((symbol) => [symbol.name, symbol]));
      for (const variant of others) {
        for (const symbol of variant.symbols) {
          const expected = controlSymbols.get(symbol.name);
          if (!expected || sameType(expected.value, symbol.value)) continue;
          report({
            message: `symbol "${symbol.name}" has type ${typeOf(symbol.value)} in variant "${variant.name}" but ${typeOf(expected.value)} in the control "${control.name}"`,
            span: symbol.valueSpan,
            related: [{ message: `the control's value`, span: expected.valueSpan }],
          });
        }
      }
    }
  },
};
