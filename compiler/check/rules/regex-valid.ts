import type { Rule } from "../rule.js";
import { comparisonsOf } from "../walk.js";

const allowedFlags = /^(?!.*(.).*\1)[imsu]*$/;

export const regexValid: Rule = {
  code: "PRS303",
  name: "regex-valid",
  severity: "error",
  description: "A regexMatch pattern is a valid JavaScript RegExp, with flags among `i`, `m`, `s`, `u`.",
  check({ features }, report) {
    for (const feature of features) {
      for (const node of comparisonsOf(feature)) {
        if (node.kind !== "regexMatch") continue;
        const flags = node.flags ?? "";
        if (!allowedFlags.test(flags)) {
          report({
            message: `regex flags "${flags}" are not allowed: use each of i, m, s, u at most once (g and y would make matching stateful)`,
            span: node.valueSpan,
          });
          continue;
        }
        try {
          new RegExp(node.pattern, flags);
        } catch (error) {
          report({
            message: `invalid regex /${node.pattern}/${flags}: ${(error as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, "")}`,
            span: node.valueSpan,
          });
        }
      }
    }
  },
};
