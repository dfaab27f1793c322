/** A stretch of a source file: `file` relative to the project root, offsets in UTF-16 code units. */
export interface Span {
  readonly file: string;
  readonly start: number;
  readonly length: number;
}

export interface RelatedLocation {
  readonly message: string;
  readonly span: Span;
}

/**
 * A problem found in the definitions. Stages collect these as data; the CLI prints them once.
 * `code` is stable (`PRS203`, or `TS2322` for the type checker's own) so users can search for it.
 */
export interface Diagnostic {
  readonly code: string;
  readonly severity: "error" | "warning";
  readonly message: string;
  /** Absent only for problems with no place in a file (a bad compiler option, say). */
  readonly span?: Span;
  readonly related?: readonly RelatedLocation[];
}

export const hasErrors = (diagnostics: readonly Diagnostic[]) => diagnostics.some((d) => d.severity === "error");
