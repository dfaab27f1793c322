import { backtrackingRisk } from "../regex-backtracking.js";
import { comparisonsOf } from "../../../model/walk.js";
import type { Rule } from "../rule.js";

export const regexSafe: Rule = {
  code: "PRS304",
  name: "regex-safe",
  severity: "error",
  description:
    "A regexMatch pattern cannot take more than linear time on any input (no catastrophic backtracking): it is linear on its face, or the recheck detector proves it.",
  check({ features }, report) {
    for (const { document, source } of features) {
      for (const { node, path } of comparisonsOf(document)) {
        if (node.kind !== "regexMatch") continue;
        const risk = backtrackingRisk(node.pattern, node.flags ?? "");
        if (risk) report({ message: risk, span: source.at([...path, "pattern"]), source });
      }
    }
  },
};
