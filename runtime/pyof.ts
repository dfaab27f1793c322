/**
 * `prosper-runtime/pyof`: PyOF's feature JSON both ways. `fromPyof` reads PyOF's shape into a
 * prosper feature document that `createFeatures` evaluates with PyOF's semantics; `toPyof` writes
 * one back as PyOF writes it. No dependencies, no I/O: read and write the files yourself.
 */
export { fromPyof, type FromPyofOptions } from "./pyof/from-pyof.js";
export { toPyof, pythonFloat, type ToPyofResult } from "./pyof/to-pyof.js";
export { translatePattern, type Translated } from "./pyof/pattern.js";
export type { PyofRecord } from "./format.js";
