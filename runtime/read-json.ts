import { describe, messageOf, quote } from "./describe.js";
import { freeze } from "./freeze.js";

/**
 * The walk under the document reader. It reads values from outside (parsed JSON, or objects that
 * users' code built, getters and Proxies included), checks them against readers, and copies what
 * passes. Every read of an outside value goes through `guard`, so nothing throws out of `readWith`;
 * cycles, depth and the number of values are bounded, so nothing runs unbounded either.
 */

export type DocumentPath = readonly (string | number)[];

export interface DocumentProblem {
  /** From the document root, e.g. ["buckets", 0, "classifier", "value"]. */
  readonly path: DocumentPath;
  readonly message: string;
  /** json: not a JSON value at all; shape: JSON, but not what the format needs; regex: a pattern or flags that do not compile. */
  readonly kind: "json" | "shape" | "regex";
}

/** How deep JSON values (counting arrays and objects) and classifier trees (counting classifiers) may nest. */
export const MAX_DEPTH = 64;
/** Enough to show what is wrong; a document with more is not worth reading on. */
const MAX_PROBLEMS = 50;
/** A shared subtree is copied each time it is met, so a value built from one can be exponentially large. */
const MAX_VALUES = 1_000_000;

interface Reading {
  readonly problems: DocumentProblem[];
  /** The containers being read, from the root down: meeting one of them again is a cycle. */
  readonly ancestors: unknown[];
  depth: number;
  values: number;
  /** Whether the depth limit was reported: siblings at the limit would only repeat it. */
  tooDeep?: boolean;
}

/** Checks one value at `path` and returns its copy; what is wrong goes into `reading.problems`. */
export type Reader<T = unknown> = (reading: Reading, value: unknown, path: DocumentPath) => T | undefined;

/** The copy holds only the parts that were valid, so a caller can still use, say, a valid default. */
export interface Parts<T> {
  readonly problems: readonly DocumentProblem[];
  readonly copy?: Partial<T> | undefined;
}

/** Reads `input` with `reader`: every problem found (up to 50), and the deep-frozen copy. */
export function readWith<T>(input: unknown, reader: Reader): Parts<T> {
  const reading: Reading = { problems: [], ancestors: [], depth: 0, values: 0 };
  let copy: unknown;
  try {
    copy = freeze(reader(reading, input, []));
  } catch (error) {
    // `reading` itself is thrown to stop at MAX_PROBLEMS; anything else would be a bug here.
    if (error !== reading) reading.problems.push({ path: [], kind: "json", message: messageOf(error) });
  }
  return { problems: reading.problems, copy: copy as Partial<T> };
}

/** Records a problem (and ends the walk at MAX_PROBLEMS); undefined, so that a reader can return it. */
export function problem(
  reading: Reading,
  path: DocumentPath,
  kind: DocumentProblem["kind"],
  message: string,
): undefined {
  if (reading.problems.push({ path, message, kind }) >= MAX_PROBLEMS) throw reading;
  return undefined;
}

const UNREADABLE = /* @__PURE__ */ Symbol();
const HOLE = /* @__PURE__ */ Symbol();

/** Runs one operation on an outside value (a getter or a Proxy trap may throw); a throw becomes a problem. */
function guard<T>(reading: Reading, path: DocumentPath, operation: () => T): T | typeof UNREADABLE {
  try {
    return operation();
  } catch (error) {
    problem(reading, path, "json", "could not be read: " + messageOf(error));
    return UNREADABLE;
  }
}

/** The own property `key`: an inherited one (from a polluted prototype, say) reads as missing. */
function field(reading: Reading, object: unknown, key: string, path: DocumentPath) {
  return guard(reading, [...path, key], () =>
    Object.hasOwn(object as object, key) ? (object as Record<string, unknown>)[key] : undefined,
  );
}

type Sort = "string" | "number" | "boolean" | "null" | "array" | "object" | "undefined";

/** The JSON sort of `value`, or why it cannot be JSON. May throw, on a Proxy. */
function sortOf(value: unknown): Sort | { readonly notJson: string } {
  switch (typeof value) {
    case "string":
    case "boolean":
    case "undefined":
      return typeof value as Sort;
    case "number":
      return isFinite(value) ? "number" : { notJson: `${value} is not a finite number, and JSON has no ${value}` };
    case "object": {
      if (value === null) return "null";
      if (Array.isArray(value)) return "array";
      const prototype = Object.getPrototypeOf(value);
      if (prototype === Object.prototype || prototype === null) return "object";
      // A class instance names its class; an object made with Object.create(other) is just "an object".
      const name = Object.hasOwn(prototype, "constructor") && prototype.constructor.name;
      const kind = typeof name === "string" && name ? (/^[aeiou]/i.test(name) ? "an " : "a ") + name : "an object";
      return { notJson: `${kind} is not JSON: only plain objects and arrays are` };
    }
    default:
      return { notJson: `a ${typeof value} is not JSON` };
  }
}

/** The JSON sort of `value`; undefined, with a problem, when it is not JSON or cannot be read. */
function inspect(reading: Reading, value: unknown, path: DocumentPath): Sort | undefined {
  if (++reading.values > MAX_VALUES) {
    problem(reading, path, "json", `more than ${MAX_VALUES} values`);
    throw reading;
  }
  const sort = guard(reading, path, () => sortOf(value));
  if (sort === UNREADABLE) return undefined;
  return typeof sort === "string" ? sort : problem(reading, path, "json", sort.notJson);
}

/**
 * Enters `value` when it is a container of `sort` and not one of its own ancestors; else a problem
 * says what it is instead. The caller pops `reading.ancestors` when done with it.
 */
function open(reading: Reading, value: unknown, path: DocumentPath, sort: Sort, what: string, found?: Sort): boolean {
  found ??= inspect(reading, value, path);
  if (found === sort && !reading.ancestors.includes(value)) return reading.ancestors.push(value) > 0;
  if (found === sort) problem(reading, path, "json", "refers to itself (a cycle)");
  else if (found !== undefined) problem(reading, path, "shape", `expected ${what}, got ${describe(value)}`);
  return false;
}

/** Reads deeper into a JSON value or a classifier tree, unless that is too deep. */
export function deeper<T>(reading: Reading, path: DocumentPath, read: () => T): T | undefined {
  if (reading.depth >= MAX_DEPTH) {
    if (reading.tooDeep) return undefined;
    reading.tooDeep = true;
    return problem(reading, path, "json", `nested more than ${MAX_DEPTH} levels deep`);
  }
  reading.depth++;
  const result = read();
  reading.depth--;
  return result;
}

/** A reader of a scalar of one of `sorts` (space-separated) that `valid` accepts; `what` names it in messages. */
export const scalar =
  <T>(sorts: string, what: string, valid: (value: T) => boolean = () => true): Reader<T> =>
  (reading, value, path) => {
    const sort = inspect(reading, value, path);
    if (sort === undefined) return undefined;
    if (sorts.includes(sort) && valid(value as T)) return value as T;
    return problem(reading, path, "shape", `expected ${what}, got ${describe(value)}`);
  };

/** A reader of one of `names`: `unknown runtime "nodejs"`. */
export const oneOf =
  (names: readonly string[], what: string): Reader<string> =>
  (reading, value, path) => {
    const name = scalar<string>("string", "a " + what)(reading, value, path);
    return name === undefined || names.includes(name)
      ? name
      : problem(reading, path, "shape", `unknown ${what} ${quote(name)}`);
  };

export const optional =
  <T>(reader: Reader<T>): Reader<T> =>
  (reading, value, path) =>
    value === undefined ? undefined : reader(reading, value, path);

/** A reader of an array whose items `item` reads, with at least `least` of them. */
export const list =
  <T>(item: Reader<T>, what: string, least = 0): Reader<T[]> =>
  (reading, value, path) =>
    readItems(reading, value, path, item, what, least) as T[] | undefined;

function readItems<T>(
  reading: Reading,
  value: unknown,
  path: DocumentPath,
  item: Reader<T>,
  what: string,
  least = 0,
  found?: Sort,
) {
  if (!open(reading, value, path, "array", what, found)) return undefined;
  const copy: (T | undefined)[] = [];
  const array = value as unknown[];
  const length = guard(reading, path, () => +array.length);
  for (let index = 0; length !== UNREADABLE && index < length; index++) {
    const at = [...path, index];
    const element = guard(reading, at, () => (Object.hasOwn(array, index) ? array[index] : HOLE));
    if (element === HOLE) problem(reading, at, "json", "an array hole is not JSON");
    else if (element !== UNREADABLE) copy.push(item(reading, element, at));
  }
  reading.ancestors.pop();
  return copy.length < least ? problem(reading, path, "shape", `expected ${what}, got an empty array`) : copy;
}

/** A reader of a plain object whose every value `item` reads. */
export const record =
  <T>(item: Reader<T>, what: string): Reader<Record<string, T>> =>
  (reading, value, path) =>
    readEntries(reading, value, path, item, what) as Record<string, T> | undefined;

function readEntries<T>(
  reading: Reading,
  value: unknown,
  path: DocumentPath,
  item: Reader<T>,
  what: string,
  found?: Sort,
) {
  if (!open(reading, value, path, "object", what, found)) return undefined;
  const copy: Record<string, T | undefined> = {};
  const keys = guard(reading, path, () => Object.keys(value as object));
  for (const key of keys === UNREADABLE ? [] : keys) {
    const element = field(reading, value, key, path);
    // Defined, not assigned: a JSON key "__proto__" is an own property, never a prototype.
    if (element !== UNREADABLE)
      Object.defineProperty(copy, key, { value: item(reading, element, [...path, key]), enumerable: true });
  }
  reading.ancestors.pop();
  return copy;
}

/** Reads any JSON value, copied whole. */
export const json: Reader = (reading, value, path) => {
  const sort = inspect(reading, value, path);
  if (sort === "undefined") return problem(reading, path, "json", "undefined is not JSON (a missing value?)");
  if (sort === "array") return deeper(reading, path, () => readItems(reading, value, path, json, "", 0, sort));
  if (sort === "object") return deeper(reading, path, () => readEntries(reading, value, path, json, "", sort));
  return sort === undefined ? undefined : value;
};

export type Fields = { readonly [key: string]: Reader };

/**
 * A reader of a plain object with these fields, copied each only when valid (so a partial copy
 * says which parts were). Keys the format does not know are not read: they are not part of it.
 */
export const shape =
  (what: string, fields: Fields): Reader<Record<string, unknown>> =>
  (reading, value, path) =>
    readFields(reading, value, path, what, fields, {});

function readFields(
  reading: Reading,
  value: unknown,
  path: DocumentPath,
  what: string,
  fields: Fields,
  copy: Record<string, unknown>,
) {
  if (!open(reading, value, path, "object", what)) return undefined;
  for (const key of Object.keys(fields)) {
    const raw = field(reading, value, key, path);
    const before = reading.problems.length;
    const read = raw === UNREADABLE ? undefined : fields[key]!(reading, raw, [...path, key]);
    if (read !== undefined && reading.problems.length === before) copy[key] = read;
  }
  reading.ancestors.pop();
  return copy;
}

/** A reader of a plain object whose `kind` says which fields it has: `unknown classifier kind "between"`. */
export const tagged =
  (what: string, kinds: { readonly [kind: string]: Fields }): Reader<Record<string, unknown>> =>
  (reading, value, path) => {
    const kind = oneOf(Object.keys(kinds), what.replace(/^an? /, "") + " kind");
    const copy = readFields(reading, value, path, what, { kind }, {});
    return copy?.kind === undefined ? copy : readFields(reading, value, path, what, kinds[copy.kind as string]!, copy);
  };

/** The first problem, where and what, and how many more there are: `buckets[0].value: a function is not JSON (and 2 more)`. */
export function firstProblem([first, ...more]: readonly DocumentProblem[]): string {
  const path = first!.path.map((step) => (typeof step === "number" ? `[${step}]` : "." + step)).join("");
  return (path && path.slice(1) + ": ") + first!.message + (more.length ? ` (and ${more.length} more)` : "");
}
