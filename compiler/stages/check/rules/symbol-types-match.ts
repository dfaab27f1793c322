import type { JsonValue } from "prosper-runtime";
import type { Rule } from "../rule.js";
import { sameType, typeOf } from "../value-shape.js";

export const symbolTypesMatch: Rule = {
  code: "PRS204",
  name: "symbol-types-match",
  severity: "error",
  description: "A symbol's value has the same type in every variant as in the control.",
  check({ experiments }, report) {
    for (const { document, source } of experiments) {
      const [control, ...others] = document.variants;
      if (!control) continue;
      for (const [offset, variant] of others.entries()) {
        for (const [symbol, value] of Object.entries(variant.symbols)) {
          if (!Object.hasOwn(control.symbols, symbol)) continue;
          const expected = control.symbols[symbol]!;
          if (sameType(expected, value as JsonValue)) continue;
          report({
            message: `symbol "${symbol}" has type ${typeOf(value as JsonValue)} in variant "${variant.name}" but ${typeOf(expected)} in the control "${control.name}"`,
            span: source.at(["variants", offset + 1, "symbols", symbol]),
            related: [{ message: `the control's value`, span: source.at(["variants", 0, "symbols", symbol]) }],
            source,
          });
        }
      }
    }
  },
};
