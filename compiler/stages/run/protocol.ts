import type { DocumentPath, PyofRecord, ReadResult } from "prosper-runtime";
import type { DefinitionKind } from "../../define/registry.js";

/** A place in a source file, from a stack frame mapped through the bundle's source map. */
export interface SourcePoint {
  /** Absolute path. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based, in UTF-16 code units. */
  readonly column: number;
}

/** What the compiler tells the process that runs the definitions. */
export interface RunRequest {
  /** The definition files (absolute), in the order to import them. */
  readonly files: readonly string[];
  /** The bundle of them all: its `loaders[i]()` imports `files[i]`. */
  readonly bundle: string;
  /** How long the child may live: it ends itself then, even if the compiler is gone. */
  readonly deadlineMs?: number;
}

/** A definition reachable from a file's exports: `exports[exportName]` itself, or an element/member of it (`path`). */
export interface CollectedDefinition {
  readonly file: string;
  readonly exportName: string;
  readonly path: readonly (string | number)[];
  readonly kind: DefinitionKind;
  /** Where the `experiment(...)`/`feature(...)` call ran. */
  readonly builtAt?: SourcePoint;
  readonly read: ReadResult<unknown>;
  /** "pyof" for a document read from one of PyOF's files, whose conventions it keeps. */
  readonly origin?: "pyof";
  /** For such a document, what it was read from, so that it can be written back as it was. */
  readonly pyof?: PyofRecord;
  /** For a document the reader rejected: a copyable likeness of it, to place the problems. */
  readonly skeleton?: unknown;
}

/** A definition that was built but that no export reaches, so it is not compiled. */
export interface UnexportedDefinition {
  readonly kind: DefinitionKind;
  readonly name?: string;
  readonly builtAt?: SourcePoint;
}

/** Something thrown while the definitions ran: the file being evaluated, and the user's frames, innermost first. */
export interface ThrownError {
  readonly file: string;
  readonly message: string;
  readonly frames: readonly SourcePoint[];
}

export type ChildMessage =
  | { readonly kind: "evaluating"; readonly file: string }
  | {
      readonly kind: "done";
      /** Without `builtAt`: the compiler asks for the places it needs (`PositionsRequest`). */
      readonly definitions: readonly CollectedDefinition[];
      readonly unexported: readonly UnexportedDefinition[];
      readonly errors: readonly ThrownError[];
    }
  /** Where each asked-for definition was built, in the order asked; null where it is not known. */
  | { readonly kind: "positions"; readonly builtAt: readonly (SourcePoint | null)[] };

/**
 * The compiler's answer to "done" when it needs to know where some definitions (by index) were
 * built; when it needs none, it ends the process (and closes its channel) instead.
 */
export interface PositionsRequest {
  readonly kind: "positions";
  readonly indices: readonly number[];
}

export type { DocumentPath };
