import type { Rule } from "../rule.js";

export const variantSymbolsMatch: Rule = {
  code: "PRS203",
  name: "variant-symbols-match",
  severity: "error",
  description: "Every variant has exactly the control's symbols: none missing, none extra.",
  check({ experiments }, report) {
    for (const experiment of experiments) {
      const [control, ...others] = experiment.variants;
      if (!control) continue;
      if (control.symbols.length === 0) {
        report({
          message: `the control "${control.name}" of "${experiment.name}" has no symbols, so there is nothing to pick`,
          span: control.span,
        });
        continue;
      }
      const controlSymbols = new Map(control.symbols.map((symbol) => [symbol.name, symbol]));
      for (const variant of others) {
        const names = new Set(variant.symbols.map((symbol) => symbol.name));
        for (const symbol of control.symbols) {
          if (names.has(symbol.name)) continue;
          report({
            message: `variant "${variant.name}" of "${experiment.name}" has no symbol "${symbol.name}", which the control "${control.name}" has`,
            span: variant.span,
            related: [{ message: `the control declares "${symbol.name}" here`, span: symbol.span }],
          });
        }
        for (const symbol of variant.symbols) {
          if (controlSymbols.has(symbol.name)) continue;
          report({
            message: `variant "${variant.name}" of "${experiment.name}" has symbol "${symbol.name}", which the control "${control.name}" does not`,
            span: symbol.span,
            related: [{ message: `the control "${control.name}" is declared here`, span: control.span }],
          });
        }
      }
    }
  },
};
