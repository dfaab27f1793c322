import type { Diagnostic, RelatedLocation, Span } from "../../diagnostics/diagnostic.js";
import type { DefinitionSource, LoadedDefinitions } from "../../model/definitions.js";

export interface Finding {
  readonly message: string;
  readonly span: Span;
  readonly related?: readonly RelatedLocation[];
  /** The definition it is about: its notes (such as where a helper built it) go with the finding. */
  readonly source?: DefinitionSource;
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
