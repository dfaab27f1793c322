/**
 * Diagnostic codes of the stages before the check rules: loading, running and validating the
 * definitions. A code, once published, keeps its meaning; the README's table lists them all.
 */
export const stageCodes = {
  /** A value that is not JSON: a function, undefined, NaN, a Date, a cycle, too deep... */
  notJson: "PRS100",
  /** A definition that does not fit the document format (a part missing or of the wrong kind). */
  definitionShape: "PRS101",
  /** Warning: a definition that was built but is not exported, so it is not compiled. */
  unexported: "PRS102",
  /** Set-up: no definitions folder or none in it, a tsconfig that is missing or malformed, `prosper/define` unresolvable. */
  setup: "PRS103",
  /** A file in the definitions folder that cannot be compiled: a JavaScript file, a broken link, an import esbuild cannot resolve. */
  files: "PRS104",
  /** The definitions threw while running. */
  threw: "PRS105",
  /** The definitions did not finish: over the time or memory limit, or their process ended early. */
  didNotFinish: "PRS106",
  /** A regexMatch pattern that is not a valid JavaScript RegExp, or flags other than i, m, s, u. */
  invalidRegex: "PRS303",
} as const;
