import type { Node } from "ts-morph";

/** The load stage's own diagnostic codes. */
export const loadCodes = {
  /** An expression the compiler cannot turn into JSON without running it. */
  notStatic: "PRS100",
  /** A definition missing a part, or with a part of the wrong kind. */
  definitionShape: "PRS101",
  /** An `experiment(...)`/`feature(...)` that is not exported, so not compiled. */
  unexported: "PRS102",
  /** No definitions directory, or `prosper/define` cannot be resolved from it. */
  setup: "PRS103",
} as const;

/**
 * Thrown within the load stage for a part of a definition it cannot read; the stage turns it
 * into a diagnostic at `node` and leaves the definition out. It never leaves the stage.
 */
export class NotStatic extends Error {
  constructor(
    readonly node: Node,
    message: string,
    readonly code: string = loadCodes.notStatic,
  ) {
    super(message);
  }
}
