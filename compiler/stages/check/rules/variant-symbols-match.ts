import type { Rule } from "../rule.js";

export const variantSymbolsMatch: Rule = {
  code: "PRS203",
  name: "variant-symbols-match",
  severity: "error",
  description: "Every variant has exactly the control's symbols: none missing, none extra.",
  check({ experiments }, report) {
    for (const { document, source } of experiments) {
      const [control, ...others] = document.variants;
      if (!control) continue;
      const controlSymbols = Object.keys(control.symbols);
      if (controlSymbols.length === 0) {
        report({
          message: `the control "${control.name}" of "${document.name}" has no symbols, so there is nothing to pick`,
          span: source.keyAt(["variants", 0]),
          source,
        });
        continue;
      }
      for (const [offset, variant] of others.entries()) {
        const index = offset + 1;
        for (const symbol of controlSymbols) {
          if (Object.hasOwn(variant.symbols, symbol)) continue;
          report({
            message: `variant "${variant.name}" of "${document.name}" has no symbol "${symbol}", which the control "${control.name}" has`,
            span: source.keyAt(["variants", index]),
            related: [
              {
                message: `the control declares "${symbol}" here`,
                span: source.keyAt(["variants", 0, "symbols", symbol]),
              },
            ],
            source,
          });
        }
        for (const symbol of Object.keys(variant.symbols)) {
          if (Object.hasOwn(control.symbols, symbol)) continue;
          report({
            message: `variant "${variant.name}" of "${document.name}" has symbol "${symbol}", which the control "${control.name}" does not`,
            span: source.keyAt(["variants", index, "symbols", symbol]),
            related: [
              { message: `the control "${control.name}" is declared here`, span: source.keyAt(["variants", 0]) },
            ],
            source,
          });
        }
      }
    }
  },
};
