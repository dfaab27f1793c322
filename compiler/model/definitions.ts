import type { DocumentPath, ExperimentJson, FeatureJson, PyofRecord } from "prosper-runtime";
import type { RelatedLocation, Span } from "../diagnostics/diagnostic.js";

/**
 * Where a definition is written, and where each part of its document is: the compiler's bridge
 * between values (from running the definitions) and positions (from the source).
 */
export interface DefinitionSource {
  /** The definition as a whole: its `experiment(...)`/`feature(...)` call, or the export that gives it. */
  readonly span: Span;
  /** Notes that go with every diagnostic about it (such as where a helper built it). */
  readonly related: readonly RelatedLocation[];
  /**
   * The most precise place written for `path` in the document (`["buckets", 0, "value"]`): the
   * node itself where the source spells it out, else the nearest enclosing one that it does.
   */
  at(path: DocumentPath): Span;
  /** Like `at`, but for a member of an object, the key (`greeting` in `greeting: "Hi"`). */
  keyAt(path: DocumentPath): Span;
}

export interface Located<Document> {
  readonly document: Document;
  readonly source: DefinitionSource;
  /** "pyof" for a feature read from one of PyOF's files (`pyofFeature`), which keeps PyOF's conventions. */
  readonly origin?: "pyof";
  /** For a feature from PyOF, what it was read from, so that it can be written back as it was. */
  readonly pyof?: PyofRecord;
}

/** Every valid definition, as its document (exactly what the definition helpers built) and its source. */
export interface LoadedDefinitions {
  readonly experiments: readonly Located<ExperimentJson>[];
  readonly features: readonly Located<FeatureJson>[];
}

export type LocatedExperiment = Located<ExperimentJson>;
export type LocatedFeature = Located<FeatureJson>;
