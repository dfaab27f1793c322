import { describe } from "../describe.js";
import type { AttributeJson, ClassifierJson, FeatureJson, JsonValue } from "../format.js";
import { readFeature } from "../read-document.js";
import { json, readWith, type DocumentPath, type DocumentProblem } from "../read-json.js";
import { Problems, translate } from "./from-pyof.js";
import { translatePattern } from "./pattern.js";

export type ToPyofResult =
  { readonly ok: true; readonly text: string } | { readonly ok: false; readonly problems: readonly DocumentProblem[] };

/** Python's repr of a float: `3.0`, `0.1`, `1e-05`, `1.5e+16`. */
export function pythonFloat(value: number): string {
  if (Object.is(value, -0)) return "-0.0";
  const [mantissa, exponent] = value.toExponential().split("e") as [string, string];
  const power = Number(exponent);
  if (power >= -4 && power < 16) {
    const fixed = String(value);
    return fixed.includes(".") ? fixed : fixed + ".0";
  }
  return `${mantissa}e${power < 0 ? "-" : "+"}${String(Math.abs(power)).padStart(2, "0")}`;
}

/** Python's repr of an int (JSON numbers that PyOF read as ints). */
const pythonInt = (value: number) => (Number.isSafeInteger(value) ? String(value + 0) : BigInt(value).toString());

/** `json.dumps(value, indent=2)`, numbers at `floats` as floats, no trailing newline. */
function dump(value: JsonValue, floats: ReadonlySet<string>, path: DocumentPath, indent: string): string {
  if (typeof value === "number")
    return floats.has(JSON.stringify(path)) || !Number.isInteger(value) ? pythonFloat(value) : pythonInt(value);
  if (typeof value !== "object" || value === null) return JSON.stringify(value);
  const inner = indent + "  ";
  const entries = Array.isArray(value)
    ? value.map((item, index) => inner + dump(item, floats, [...path, index], inner))
    : Object.entries(value).map(
        ([key, item]) => inner + JSON.stringify(key) + ": " + dump(item, floats, [...path, key], inner),
      );
  const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  return entries.length ? `${open}\n${entries.join(",\n")}\n${indent}${close}` : open + close;
}

type Converted = { [key: string]: JsonValue };

function attribute(json: AttributeJson, path: DocumentPath, problems: Problems): Converted | undefined {
  const cannot = (what: string) => problems.add(path, `PyOF has no ${what}`);
  switch (json.kind) {
    case "sessionRandom":
      return json.salt === undefined ? { __type: "random.session" } : cannot("salted sessionRandom");
    case "hostname":
      return { __type: "socket.hostname" };
    case "static":
      return typeof json.value === "number"
        ? { __type: "static.number", value: json.value }
        : cannot(`static ${typeof json.value}`);
    case "runtimeVersion":
      return cannot("runtimeVersion attribute");
    case "context":
      return cannot(`context attributes (${JSON.stringify(json.key)})`);
  }
}

const isNumeric = (json: AttributeJson) =>
  json.kind === "sessionRandom" || (json.kind === "static" && typeof json.value === "number");

function classifier(json: ClassifierJson, path: DocumentPath, problems: Problems): Converted | undefined {
  const at = (key: string) => [...path, key];
  switch (json.kind) {
    case "all":
    case "any": {
      const of = json.of.map((inner, index) => classifier(inner, [...path, "of", index], problems));
      return of.includes(undefined) ? undefined : { __type: "bool." + json.kind, value: of as Converted[] };
    }
    case "not": {
      const of = classifier(json.of, at("of"), problems);
      return of && { __type: "bool.none", value: of };
    }
    case "lt":
    case "lte":
    case "gt":
    case "gte":
    case "eq": {
      // Across types prosper does not match either way and PyOF's negation would: say it rather than change it.
      const number = typeof json.value === "number";
      if (!number && (json.kind !== "eq" || typeof json.value !== "string"))
        return problems.add(at("value"), `PyOF compares only numbers and strings, got ${describe(json.value)}`);
      if (number ? json.attribute.kind === "hostname" : isNumeric(json.attribute))
        return problems.add(at("value"), `a comparison across types: prosper never matches it, PyOF's negation would`);
      const read = attribute(json.attribute, at("attribute"), problems);
      return read && { __type: "comparison." + json.kind, attribute: read, value: json.value };
    }
    case "regexMatch": {
      if (json.flags)
        return problems.add(at("flags"), `PyOF's re.match takes no flags, got ${JSON.stringify(json.flags)}`);
      if (json.attribute.kind !== "hostname")
        return problems.add(at("attribute"), "PyOF matches patterns only on the hostname");
      const python = translatePattern(json.pattern);
      if (!python.ok) return problems.add(at("pattern"), python.message, "regex");
      return { __type: "re.match", attribute: { __type: "socket.hostname" }, value: json.pattern };
    }
    case "ne":
      return problems.add(path, "PyOF has no not-equal (write not(eq(...)))");
    case "oneOf":
      return problems.add(path, "PyOF has no oneOf (write any(eq(...), ...))");
  }
}

/** A prosper document in PyOF's shape, or every part of it PyOF's shape cannot say. */
function convert(document: FeatureJson, problems: Problems): JsonValue | undefined {
  if (document.description !== undefined) problems.add(["description"], "PyOF's format has no description");
  if (document.runtimes !== undefined)
    problems.add(["runtimes"], "PyOF's python_versions cannot limit JavaScript runtimes");
  const buckets = document.buckets.map((bucket, index) => {
    const converted = classifier(bucket.classifier, ["buckets", index, "classifier"], problems);
    return converted && { name: bucket.name, classifier: converted, value: bucket.value };
  });
  if (problems.list.length) return undefined;
  return {
    type: "offline-feature",
    python_versions: ["all"],
    buckets: buckets as Converted[],
    default: document.default,
  };
}

/**
 * Writes a feature document as PyOF writes its files: two-space indent, PyOF's key order, numbers
 * as Python's repr, no trailing newline. A document from `fromPyof` comes back byte for byte (its
 * `pyof` record keeps the source and which numbers were floats); a prosper document is converted,
 * and anything PyOF's shape cannot say is a problem, never dropped. Never throws.
 */
export function toPyof(document: unknown): ToPyofResult {
  const problems = new Problems();
  try {
    const read = readFeature(document);
    if (!read.ok) return read;
    const record = readWith<{ source: JsonValue; floats: DocumentPath[] }>(
      (document as FeatureJson).semantics === "pyof" ? (document as FeatureJson).pyof : undefined,
      json,
    );
    if (record.copy !== undefined) {
      const { source, floats } = record.copy as { source?: JsonValue; floats?: unknown };
      if (source === undefined || !Array.isArray(floats) || !floats.every(Array.isArray))
        return {
          ok: false,
          problems: [{ path: ["pyof"], kind: "shape", message: "expected { source, floats: [paths] }" }],
        };
      // The record is trusted only while the document still says what the source says.
      const again = translate(source, read.document.name, problems);
      const said = again && readFeature(again);
      if (!said?.ok || JSON.stringify(said.document) !== JSON.stringify(read.document))
        return {
          ok: false,
          problems: [
            { path: ["pyof"], kind: "shape", message: "the document no longer says what its PyOF source says" },
          ],
        };
      return { ok: true, text: dump(source, new Set(floats.map((path) => JSON.stringify(path))), [], "") };
    }
    const converted = convert(read.document, problems);
    return converted === undefined
      ? { ok: false, problems: problems.list }
      : { ok: true, text: dump(converted, new Set(), [], "") };
  } catch (error) {
    return { ok: false, problems: [{ path: [], kind: "json", message: `could not be written: ${String(error)}` }] };
  }
}
