import type { Diagnostic, RelatedLocation, Span } from "../diagnostics/diagnostic.js";
import type { LoadedDefinitions } from "../load/model.js";

export interface Finding {
  readonly message: string;
  readonly span: Span;
  readonly related?: readonly RelatedLocation[];
}

/** A check over all loaded definitions. Its code is stable: users search for it, tests pin it. */
export interface Rule {
  readonly code: `PRS${number}`;
  /** Kebab-case, as the rule's file is named. */
  readonly name: string;
  readonly severity: Diagnostic["severity"];
  /** One sentence for the README's table of codes. */
  readonly description: string;
  check(definitions: LoadedDefinitions, report: (finding: Finding) => void): void;
}
