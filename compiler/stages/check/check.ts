import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import type { LoadedDefinitions } from "../../model/definitions.js";
import { byCodeUnits } from "../../order.js";
import { rules } from "./rules/index.js";

/** Runs every rule; findings come back ordered by file and position, so output is stable. */
export function check(definitions: LoadedDefinitions): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const rule of rules) {
    rule.check(definitions, ({ source, related = [], ...finding }) => {
      const notes = [...related, ...(source?.related ?? [])];
      diagnostics.push({
        code: rule.code,
        severity: rule.severity,
        ...finding,
        ...(notes.length ? { related: notes } : {}),
      });
    });
  }
  return diagnostics.sort(
    (a, b) =>
      byCodeUnits(a.span?.file ?? "", b.span?.file ?? "") ||
      (a.span?.start ?? 0) - (b.span?.start ?? 0) ||
      byCodeUnits(a.code, b.code),
  );
}
