import type { DocumentPath, DocumentProblem, ExperimentJson, FeatureJson } from "prosper-runtime";
import { stageCodes } from "../../diagnostics/codes.js";
import type { Diagnostic, RelatedLocation, Span } from "../../diagnostics/diagnostic.js";
import type { LoadedDefinitions, Located } from "../../model/definitions.js";
import type { SourceIndex } from "../load/source-index.js";
import type { RunFailure, RunResult } from "../run/run.js";

export interface Validated {
  /** The definitions whose documents fit the format, in file order, then source order. */
  readonly definitions: LoadedDefinitions;
  readonly diagnostics: readonly Diagnostic[];
}

const problemCodes: Record<DocumentProblem["kind"], string> = {
  json: stageCodes.notJson,
  shape: stageCodes.definitionShape,
  regex: stageCodes.invalidRegex,
};

/**
 * Turns what running the definitions gave into positioned diagnostics and located documents:
 * each failure at the user's line, each document problem (the runtime's own reader found it) at
 * the part of the source its path leads to.
 */
export function validate(ran: RunResult, index: SourceIndex, fileOrder: readonly string[]): Validated {
  const diagnostics: Diagnostic[] = ran.failures.map((failure) => failureDiagnostic(failure, index));
  for (const definition of ran.unexported) {
    const name = definition.name === undefined ? "" : ` "${definition.name}"`;
    diagnostics.push({
      code: stageCodes.unexported,
      severity: "warning",
      message: `this ${definition.kind}${name} is not exported, so it is not compiled; export it (or an array or object holding it) to include it`,
      ...(definition.builtAt ? { span: index.pointAt(definition.builtAt) } : {}),
    });
  }

  const experiments: Located<ExperimentJson>[] = [];
  const features: Located<FeatureJson>[] = [];
  for (const collected of ran.definitions) {
    const { read } = collected;
    const source = index.locate(collected, read.ok ? read.document : collected.skeleton);
    if (read.ok) {
      if (collected.kind === "experiment") experiments.push({ document: read.document as ExperimentJson, source });
      else
        features.push({
          document: read.document as FeatureJson,
          source,
          ...(collected.origin ? { origin: collected.origin } : {}),
          ...(collected.pyof ? { pyof: collected.pyof } : {}),
        });
      continue;
    }
    const named = nameOf(collected);
    for (const problem of read.problems) {
      diagnostics.push({
        code: problemCodes[problem.kind],
        severity: "error",
        message: `${collected.kind} ${named}, ${pathText(problem.path)}: ${problem.message}`,
        span: source.at(problem.path),
        ...(source.related.length ? { related: source.related } : {}),
      });
    }
  }
  // A definition placed in a file that is not a definition file (built by a helper there) sorts last.
  const position = new Map(fileOrder.map((file, index) => [file, index]));
  const rank = (located: Located<unknown>) => [
    position.get(located.source.span.file) ?? fileOrder.length,
    located.source.span.start,
  ];
  const inSourceOrder = <T extends Located<unknown>>(list: T[]) =>
    list.sort((a, b) => rank(a)[0]! - rank(b)[0]! || rank(a)[1]! - rank(b)[1]!);
  return { definitions: { experiments: inSourceOrder(experiments), features: inSourceOrder(features) }, diagnostics };
}

function failureDiagnostic(failure: RunFailure, index: SourceIndex): Diagnostic {
  const [innermost, ...callers] = failure.frames;
  const span: Span | undefined = innermost
    ? index.pointAt(innermost)
    : failure.file
      ? index.pointAt({ file: failure.file, line: 1, column: 1 })
      : undefined;
  // Recursion repeats one frame many times: each place is worth one note.
  const places = new Map(callers.map((frame) => [`${frame.file}:${frame.line}:${frame.column}`, frame]));
  const related: RelatedLocation[] = [...places.values()]
    .slice(0, 3)
    .map((frame) => ({ message: "called from here", span: index.pointAt(frame) }));
  const code =
    failure.reason === "bundle"
      ? stageCodes.files
      : failure.reason === "threw"
        ? stageCodes.threw
        : stageCodes.didNotFinish;
  const message = failure.reason === "threw" ? `running the definitions threw ${failure.message}` : failure.message;
  return {
    code,
    severity: "error",
    message,
    ...(span ? { span } : {}),
    ...(related.length ? { related } : {}),
  };
}

/** How a message names a definition: by its name when it has one, else by the export that gives it (`flags[2]`). */
function nameOf({ skeleton, exportName, path }: RunResult["definitions"][number]): string {
  const name = (skeleton as { name?: unknown } | undefined)?.name;
  return typeof name === "string" && name !== ""
    ? JSON.stringify(name)
    : `exported as ${exportName}${pathText(path, "")}`;
}

/** A document path as JavaScript would write it: `buckets[0].classifier.value`, `symbols["a-b"]`. */
export function pathText(path: DocumentPath, root = "the top"): string {
  if (!path.length) return root;
  // A path dozens of levels deep says no more than its ends do.
  if (path.length > 12) return `${pathText(path.slice(0, 4), root)}…${pathText(path.slice(-3), "")}`;
  return path
    .map((step, index) =>
      typeof step === "number"
        ? `[${step}]`
        : /^[A-Za-z_$][\w$]*$/.test(step)
          ? `${index ? "." : ""}${step}`
          : `[${JSON.stringify(step)}]`,
    )
    .join("");
}
