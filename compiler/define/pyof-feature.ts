import type { FeatureJson } from "prosper-runtime";
import { fromPyof } from "prosper-runtime/pyof";
import { built } from "./registry.js";

/**
 * A feature from one of PyOF's files, so that a team moves to prosper one file at a time: give it
 * the file's JSON (`import file from "./holdout.json" with { type: "json" }`) or text, and the
 * feature's name (PyOF names a feature after its file). The document keeps PyOF's semantics. A
 * file PyOF's shape does not allow stops the compile, pointing here, with every problem.
 *
 * @example
 * import holdoutFile from "./ofs/holdout.json" with { type: "json" };
 * export const holdout = pyofFeature(holdoutFile, { name: "holdout" });
 */
export function pyofFeature(file: unknown, options: { readonly name: string }): FeatureJson {
  const read = fromPyof(file, options);
  if (!read.ok) {
    const problems = read.problems.map((problem) => `${problem.path.join(".") || "the top"}: ${problem.message}`);
    throw new Error(`the PyOF file for "${options.name}" cannot be read: ${problems.join("; ")}`);
  }
  return built(read.document, "feature");
}
