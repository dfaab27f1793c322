import { describe, quote } from "../describe.js";
import type { AttributeJson, ClassifierJson, FeatureJson, JsonValue, PyofRecord } from "../format.js";
import { FORMAT_VERSION } from "../format.js";
import { freeze } from "../freeze.js";
import { readFeature, type ReadResult } from "../read-document.js";
import { readWith, json, type DocumentPath, type DocumentProblem } from "../read-json.js";
import { parseJson } from "./parse-json.js";
import { translatePattern } from "./pattern.js";

/**
 * PyOF's document into prosper's. PyOF's semantics are decided here, once: every PyOF attribute has
 * a type known from its tag (random.session and static.number are numbers, socket.hostname a
 * string), so a comparison across types is false now, and written as `any: []` (never matches),
 * whose negation matches: exactly what PyOF does, in prosper's own evaluator, with nothing added
 * to its hot path. The PyOF document itself is kept in the result's `pyof` field for `toPyof`.
 */

const NEVER: ClassifierJson = { kind: "any", of: [] };
const ALWAYS: ClassifierJson = { kind: "all", of: [] };

type Node = { readonly [key: string]: JsonValue };

class Problems {
  readonly list: DocumentProblem[] = [];
  add(path: DocumentPath, message: string, kind: DocumentProblem["kind"] = "shape"): undefined {
    if (this.list.length < 50) this.list.push({ path, message, kind });
    return undefined;
  }
}

const isObject = (value: unknown): value is Node =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function object(value: JsonValue | undefined, path: DocumentPath, problems: Problems, what: string): Node | undefined {
  return isObject(value) ? value : problems.add(path, `expected ${what}, got ${describe(value)}`);
}

/** An attribute, with the type PyOF gives its value. */
function attribute(
  value: JsonValue | undefined,
  path: DocumentPath,
  problems: Problems,
): { json: AttributeJson; type: "number" | "string" } | undefined {
  const node = object(value, path, problems, "an attribute ({ __type })");
  if (!node) return undefined;
  switch (node.__type) {
    case "random.session":
      return { json: { kind: "sessionRandom" }, type: "number" };
    case "socket.hostname":
      return { json: { kind: "hostname" }, type: "string" };
    case "static.number":
      return typeof node.value === "number"
        ? { json: { kind: "static", value: node.value }, type: "number" }
        : problems.add([...path, "value"], `expected a number, got ${describe(node.value)}`);
    default:
      return problems.add([...path, "__type"], `unknown attribute type ${describe(node.__type)}`);
  }
}

const ORDERINGS = {
  "comparison.lt": "lt",
  "comparison.lte": "lte",
  "comparison.gt": "gt",
  "comparison.gte": "gte",
} as const;

/** PyOF's classifier values are strings, numbers, booleans, classifiers and arrays of them: never null. */
function checkValue(value: JsonValue | undefined, path: DocumentPath, problems: Problems): boolean {
  if (value === undefined || value === null)
    return !problems.add(path, `expected a classifier value, got ${describe(value)}`);
  if (Array.isArray(value)) return value.every((item, index) => checkValue(item, [...path, index], problems));
  if (isObject(value)) return classifier(value, path, problems) !== undefined;
  return true;
}

export function classifier(
  value: JsonValue | undefined,
  path: DocumentPath,
  problems: Problems,
): ClassifierJson | undefined {
  const node = object(value, path, problems, "a classifier ({ __type })");
  if (!node) return undefined;
  const type = node.__type;
  const at = [...path, "value"];
  switch (type) {
    case "bool.all":
    case "bool.any": {
      if (!Array.isArray(node.value))
        return problems.add(at, `expected an array of classifiers, got ${describe(node.value)}`);
      const of = node.value.map((inner, index) => classifier(inner, [...at, index], problems));
      return of.includes(undefined)
        ? undefined
        : { kind: type === "bool.all" ? "all" : "any", of: of as ClassifierJson[] };
    }
    case "bool.none": {
      // PyOF: `not value`, where a classifier's truth is its evaluation and anything else's is
      // Python's truthiness (an array is not evaluated: non-empty is true).
      const inner = node.value;
      if (!checkValue(inner, at, problems)) return undefined;
      if (isObject(inner)) return { kind: "not", of: classifier(inner, at, problems)! };
      const truthy =
        Array.isArray(inner) || typeof inner === "string" ? inner.length > 0 : inner !== 0 && inner !== false;
      return truthy ? NEVER : ALWAYS;
    }
    case "comparison.lt":
    case "comparison.lte":
    case "comparison.gt":
    case "comparison.gte":
    case "comparison.eq": {
      const read = attribute(node.attribute, [...path, "attribute"], problems);
      if (!checkValue(node.value, at, problems) || !read) return undefined;
      const compared = node.value;
      // Across types, PyOF's comparison is false; eq also compares strings, the orderings only numbers.
      if (typeof compared !== read.type || (type !== "comparison.eq" && read.type !== "number")) return NEVER;
      return type === "comparison.eq"
        ? { kind: "eq", attribute: read.json, value: compared as number | string }
        : { kind: ORDERINGS[type], attribute: read.json, value: compared as number };
    }
    case "re.match": {
      const read = attribute(node.attribute, [...path, "attribute"], problems);
      if (!checkValue(node.value, at, problems) || !read) return undefined;
      if (typeof node.value !== "string") return NEVER;
      const translated = translatePattern(node.value);
      if (!translated.ok) return problems.add(at, translated.message, "regex");
      return read.type === "string"
        ? { kind: "regexMatch", attribute: read.json, pattern: translated.pattern, flags: "u" }
        : NEVER;
    }
    default:
      return problems.add([...path, "__type"], `unknown classifier type ${describe(type)}`);
  }
}

export interface FromPyofOptions {
  /** PyOF takes a feature's name from its file's name (`ofs/holdout.json` is "holdout"). */
  readonly name: string;
}

/** The prosper parts of a PyOF document (the `pyof` record aside), or its problems. */
export function translate(
  source: JsonValue,
  name: unknown,
  problems: Problems,
): Omit<FeatureJson, "pyof" | "semantics"> | undefined {
  const root = object(source, [], problems, "a PyOF feature (an object)");
  if (!root) return undefined;
  if (root.type !== "offline-feature") problems.add(["type"], `expected "offline-feature", got ${describe(root.type)}`);
  const versions = root.python_versions;
  if (!Array.isArray(versions) || !versions.every((version) => typeof version === "string"))
    problems.add(["python_versions"], `expected an array of strings, got ${describe(versions)}`);
  if (!Array.isArray(root.buckets))
    return problems.add(["buckets"], `expected an array of buckets, got ${describe(root.buckets)}`);
  const buckets = root.buckets.map((raw, index) => {
    const path = ["buckets", index];
    const bucket = object(raw, path, problems, "a bucket");
    if (!bucket) return undefined;
    if (typeof bucket.name !== "string")
      problems.add([...path, "name"], `expected a string, got ${describe(bucket.name)}`);
    if (!Object.hasOwn(bucket, "value")) problems.add([...path, "value"], "missing (PyOF writes null for no value)");
    const compiled = classifier(bucket.classifier, [...path, "classifier"], problems);
    return compiled && { name: bucket.name as string, classifier: compiled, value: bucket.value! };
  });
  if (!Object.hasOwn(root, "default")) problems.add(["default"], "missing");
  for (const key of Object.keys(root))
    if (!["type", "python_versions", "buckets", "default"].includes(key))
      problems.add([key], `not part of PyOF's format, so it could not be written back`);
  if (problems.list.length) return undefined;
  return {
    formatVersion: FORMAT_VERSION,
    kind: "feature",
    name: name as string,
    buckets: buckets as FeatureJson["buckets"],
    default: root.default!,
  };
}

export { Problems };

/**
 * Reads PyOF's feature JSON (its text, or the value JSON.parse gave; only the text tells 3.0
 * from 3) into a prosper feature document that `createFeatures` evaluates with PyOF's semantics.
 * Never throws: what is wrong comes back as problems with their paths in the PyOF document.
 */
export function fromPyof(input: unknown, options: FromPyofOptions): ReadResult<FeatureJson> {
  const problems = new Problems();
  try {
    let source: JsonValue;
    let floats: DocumentPath[];
    if (typeof input === "string") {
      const parsed = parseJson(input);
      if (!parsed.ok) return { ok: false, problems: [{ path: [], kind: "json", message: parsed.message }] };
      ({ value: source, floats } = parsed);
    } else {
      // Copied through the runtime's reader: getters, Proxies, cycles and non-JSON values become problems.
      const read = readWith<JsonValue>(input, json);
      if (read.problems.length) return { ok: false, problems: read.problems };
      source = read.copy as JsonValue;
      floats = [];
      collectFloats(source, [], floats);
    }
    const name = (options as FromPyofOptions | undefined)?.name;
    const parts = translate(source, name, problems);
    if (!parts) return { ok: false, problems: problems.list };
    const checked = readFeature(parts);
    if (!checked.ok) return checked;
    const pyof: PyofRecord = { source, floats };
    return { ok: true, document: freeze({ ...checked.document, semantics: "pyof", pyof }) };
  } catch (error) {
    // Not expected: kept so that a gap above cannot throw into the application.
    return { ok: false, problems: [{ path: [], kind: "json", message: `could not be read: ${quote(String(error))}` }] };
  }
}

/** Without the text, a number that is not an integer was a float, and an integer is taken as an int. */
function collectFloats(value: JsonValue, path: DocumentPath, floats: DocumentPath[]) {
  if (typeof value === "number" && !Number.isInteger(value)) floats.push(path);
  else if (typeof value === "object" && value !== null)
    for (const [key, inner] of Object.entries(value))
      collectFloats(inner, [...path, Array.isArray(value) ? Number(key) : key], floats);
}
