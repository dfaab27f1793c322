import type { Diagnostic, Span } from "./diagnostic.js";

export interface PrintOptions {
  readonly color: boolean;
  /** The text of a file named in a span; without it, no code frame is printed. */
  readonly sourceText: (file: string) => string | undefined;
}

const paint = (code: number) => (color: boolean, text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
const red = paint(31);
const yellow = paint(33);
const cyan = paint(36);
const grey = paint(90);

/**
 * Diagnostics as tsc prints them: `file:line:col - error CODE: message`, the line with the
 * span underlined, then each related location the same way, indented.
 */
export function printDiagnostics(diagnostics: readonly Diagnostic[], options: PrintOptions): string {
  return diagnostics.map((diagnostic) => printDiagnostic(diagnostic, options)).join("\n");
}

function printDiagnostic(diagnostic: Diagnostic, { color, sourceText }: PrintOptions): string {
  const severity = diagnostic.severity === "error" ? red(color, "error") : yellow(color, "warning");
  const where = diagnostic.span ? `${cyan(color, location(diagnostic.span, sourceText))} - ` : "";
  const lines = [`${where}${severity} ${grey(color, diagnostic.code)}: ${diagnostic.message}`, ""];
  if (diagnostic.span) lines.push(...frame(diagnostic.span, sourceText, color, ""), "");
  for (const related of diagnostic.related ?? []) {
    lines.push(`  ${cyan(color, location(related.span, sourceText))}`);
    lines.push(...frame(related.span, sourceText, color, "  "));
    lines.push(`    ${related.message}`, "");
  }
  return lines.join("\n");
}

/** `file:line:col`, 1-based, as editors and terminals link it. */
export function location(span: Span, sourceText: (file: string) => string | undefined): string {
  const text = sourceText(span.file);
  if (text === undefined) return span.file;
  const { line, column } = lineAndColumn(text, span.start);
  return `${span.file}:${line}:${column}`;
}

// Line breaks as TypeScript counts them: CRLF, CR alone, LF, and the Unicode line and paragraph separators.
const lineBreak = /\r\n?|[\n\u2028\u2029]/g;

/** 1-based line and column of `offset`, and where that line starts and ends (before its break). */
function lineAndColumn(
  text: string,
  offset: number,
): { line: number; column: number; lineStart: number; lineEnd: number } {
  let line = 1;
  let lineStart = 0;
  lineBreak.lastIndex = 0;
  for (let found = lineBreak.exec(text); found; found = lineBreak.exec(text)) {
    const next = found.index + found[0].length;
    if (next > offset) return { line, column: offset - lineStart + 1, lineStart, lineEnd: found.index };
    line++;
    lineStart = next;
  }
  return { line, column: offset - lineStart + 1, lineStart, lineEnd: text.length };
}

/** The span's first line with the span underlined (to the line's end, when it runs on). */
function frame(span: Span, sourceText: (file: string) => string | undefined, color: boolean, indent: string): string[] {
  const text = sourceText(span.file);
  if (text === undefined) return [];
  const { line, lineStart, lineEnd } = lineAndColumn(text, span.start);
  const source = text.slice(lineStart, lineEnd);
  const gutter = String(line);
  const before = source.slice(0, span.start - lineStart).replace(/[^\t]/g, " ");
  const width = Math.max(1, Math.min(span.start + span.length, lineStart + source.length) - span.start);
  return [
    `${indent}${grey(color, gutter)} ${source}`,
    `${indent}${" ".repeat(gutter.length)} ${before}${red(color, "~".repeat(width))}`,
  ];
}
