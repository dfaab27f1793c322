import type { JsonValue } from "prosper-runtime";

/**
 * A JSON value as text, exactly: like JSON.stringify, except that -0 stays `-0` (JSON.parse reads
 * it back as -0; JSON.stringify would write 0). Keys keep their order. Validated documents nest
 * at most a few dozen levels, so recursion is safe. JSON.stringify writes it when there is no -0
 * (nearly always): the walk that looks for one builds no strings, so a watch that knows each
 * document by its text pays little for it.
 */
export function jsonText(value: JsonValue): string {
  return hasNegativeZero(value) ? exactText(value) : JSON.stringify(value);
}

function hasNegativeZero(value: JsonValue): boolean {
  if (typeof value === "number") return value === 0 && 1 / value < 0;
  if (typeof value !== "object" || value === null) return false;
  if (Array.isArray(value)) return value.some(hasNegativeZero);
  for (const key of Object.keys(value)) if (hasNegativeZero((value as Record<string, JsonValue>)[key]!)) return true;
  return false;
}

function exactText(value: JsonValue): string {
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : JSON.stringify(value);
  if (typeof value !== "object" || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(exactText).join(",")}]`;
  const members = Object.keys(value).map(
    (key) => `${JSON.stringify(key)}:${exactText((value as Record<string, JsonValue>)[key]!)}`,
  );
  return `{${members.join(",")}}`;
}

/** The prettier options that shape JSON output; `formattedJson` follows them. */
export interface JsonLayout {
  readonly printWidth: number;
  readonly tabWidth: number;
  readonly useTabs: boolean;
  readonly bracketSpacing: boolean;
  readonly endOfLine: "\n" | "\r\n" | "\r";
}

// Options prettier reads but that change nothing in JSON (its printer keeps JSON's quotes and
// commas, and the input here has no line breaks for "objectWrap" to keep).
const notForJson = new Set([
  "semi",
  "singleQuote",
  "jsxSingleQuote",
  "quoteProps",
  "trailingComma",
  "arrowParens",
  "proseWrap",
  "htmlWhitespaceSensitivity",
  "vueIndentScriptAndStyle",
  "embeddedLanguageFormatting",
  "singleAttributePerLine",
  "bracketSameLine",
  "jsxBracketSameLine",
  "experimentalTernaries",
  "experimentalOperatorPosition",
  "objectWrap",
  "insertPragma",
  "requirePragma",
  "filepath",
]);

/**
 * The layout a project's prettier config gives JSON, or undefined when the config holds anything
 * this printer does not follow (a plugin, a parser): then prettier itself must format.
 */
export function jsonLayout(config: Record<string, unknown> | null): JsonLayout | undefined {
  const layout = {
    printWidth: 80,
    tabWidth: 2,
    useTabs: false,
    bracketSpacing: true,
    endOfLine: "\n" as JsonLayout["endOfLine"],
  };
  for (const [key, value] of Object.entries(config ?? {})) {
    if (value === undefined || notForJson.has(key)) continue;
    if ((key === "printWidth" || key === "tabWidth") && Number.isInteger(value) && (value as number) >= 0)
      layout[key] = value as number;
    else if ((key === "useTabs" || key === "bracketSpacing") && typeof value === "boolean") layout[key] = value;
    else if (key === "endOfLine" && (value === "lf" || value === "auto")) layout.endOfLine = "\n";
    else if (key === "endOfLine" && value === "crlf") layout.endOfLine = "\r\n";
    else if (key === "endOfLine" && value === "cr") layout.endOfLine = "\r";
    else return undefined;
  }
  return layout;
}

/**
 * A JSON value as prettier's "json" parser formats `jsonText(value)`, byte for byte, without
 * prettier: formatting a thousand small files through prettier costs more than type checking
 * them. It follows prettier's printer: an object or array stays on one line when it fits in
 * what is left of the line (counting the comma after it); an array of objects (or of arrays)
 * with more than one member each always breaks; an array of numbers fills its lines. Undefined
 * when the text is not plain ASCII (prettier counts wide characters double): prettier then.
 */
export function formattedJson(value: JsonValue, layout: JsonLayout): string | undefined {
  const flat = new Map<object, string>();
  // Each value's one-line text, computed once: a value is measured at every level above it.
  const flatText = (node: JsonValue): string => {
    if (typeof node !== "object" || node === null) return scalarText(node);
    const known = flat.get(node);
    if (known !== undefined) return known;
    let text: string;
    if (Array.isArray(node)) text = node.length ? `[${node.map(flatText).join(", ")}]` : "[]";
    else {
      const keys = Object.keys(node);
      const space = layout.bracketSpacing ? " " : "";
      text = keys.length
        ? `{${space}${keys.map((key) => `${JSON.stringify(key)}: ${flatText((node as Record<string, JsonValue>)[key]!)}`).join(", ")}${space}}`
        : "{}";
    }
    flat.set(node, text);
    return text;
  };
  if (/[^\x20-\x7e]/.test(flatText(value))) return undefined;
  const indentText = (level: number) => (layout.useTabs ? "\t".repeat(level) : " ".repeat(level * layout.tabWidth));
  const { printWidth } = layout;
  const out: string[] = [];
  let column = 0;
  const write = (text: string) => {
    out.push(text);
    column += text.length;
  };
  const newline = (level: number) => {
    out.push("\n");
    column = 0;
    write(indentText(level));
    if (layout.useTabs) column = level * layout.tabWidth;
  };
  const isContainer = (node: JsonValue): node is JsonValue[] | { [key: string]: JsonValue } =>
    typeof node === "object" && node !== null;
  const size = (node: JsonValue) =>
    Array.isArray(node) ? node.length : isContainer(node) ? Object.keys(node).length : 0;
  /** An array of objects (or of arrays) with more than one member each: prettier always breaks it. */
  const allBreak = (node: JsonValue[]) =>
    node.length > 1 &&
    node.every(
      (element, index) =>
        isContainer(element) &&
        size(element) > 1 &&
        (index === node.length - 1 || Array.isArray(element) === Array.isArray(node[index + 1])),
    );
  // A break inside breaks every group around it, as prettier propagates them.
  const breaks = new Map<object, boolean>();
  const mustBreak = (node: JsonValue): boolean => {
    if (!isContainer(node)) return false;
    let known = breaks.get(node);
    if (known === undefined) {
      known = Array.isArray(node) ? allBreak(node) || node.some(mustBreak) : Object.values(node).some(mustBreak);
      breaks.set(node, known);
    }
    return known;
  };
  /** Prints `node` at the current column, at indent `level`, with `trailing` characters after it before a line break. */
  const print = (node: JsonValue, level: number, trailing: number): void => {
    if (!isContainer(node) || size(node) === 0) return write(flatText(node));
    if (Array.isArray(node)) {
      if (!mustBreak(node) && column + flatText(node).length + trailing <= printWidth) return write(flatText(node));
      write("[");
      if (node.every((element) => typeof element === "number")) {
        // prettier's fill: the space after a number becomes a line break when the next number
        // (with its comma) would not fit on the line.
        newline(level + 1);
        node.forEach((element, index) => {
          const text = flatText(element) + (index < node.length - 1 ? "," : "");
          if (index > 0) {
            if (column + 1 + text.length <= printWidth) write(" ");
            else newline(level + 1);
          }
          write(text);
        });
      } else {
        node.forEach((element, index) => {
          newline(level + 1);
          print(element, level + 1, index < node.length - 1 ? 1 : 0);
          if (index < node.length - 1) write(",");
        });
      }
      newline(level);
      write("]");
      return;
    }
    if (!mustBreak(node) && column + flatText(node).length + trailing <= printWidth) return write(flatText(node));
    write("{");
    const keys = Object.keys(node);
    keys.forEach((key, index) => {
      newline(level + 1);
      write(`${JSON.stringify(key)}: `);
      print(node[key]!, level + 1, index < keys.length - 1 ? 1 : 0);
      if (index < keys.length - 1) write(",");
    });
    newline(level);
    write("}");
  };
  print(value, 0, 0);
  const text = `${out.join("")}\n`;
  return layout.endOfLine === "\n" ? text : text.replace(/\n/g, layout.endOfLine);
}

/** A number, string, boolean or null as prettier prints it in JSON: exponents lose their `+`. */
function scalarText(value: JsonValue): string {
  if (typeof value === "number") return jsonText(value).replace("e+", "e");
  return JSON.stringify(value);
}
