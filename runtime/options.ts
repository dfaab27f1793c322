import { describe } from "./describe.js";

/** Told of a failure the runtime handled: what went wrong, and where (`isEnabled("x")`, `load documents[2]`). */
export type ReportError = (error: unknown, where: string) => void;

const warn: ReportError = (error, where) =>
  (globalThis as { console?: { warn(...data: unknown[]): void } }).console?.warn(`prosper: ${where} failed:`, error);

/** Reads the options an application passed, which may be anything, and reports what is wrong with them. */
export function readOptions(options: unknown) {
  let onError: unknown;
  const report: ReportError = (error, where) => {
    try {
      (typeof onError === "function" ? (onError as ReportError) : warn)(error, where);
    } catch {
      // A failing reporter must not turn a handled failure into an application crash.
    }
  };
  const fail = (why: string) => report(new TypeError(why), "options");
  /** The option `key` when `valid` accepts it; an unreadable or invalid one is reported and reads as absent. */
  const option = <T>(key: string, what: string, valid: (value: unknown) => boolean): T | undefined => {
    try {
      const value = (options as Record<string, unknown> | undefined)?.[key];
      if (value === undefined || valid(value)) return value as T | undefined;
      fail(`${key}: expected ${what}, got ${describe(value)}`);
    } catch (error) {
      report(error, "options." + key);
    }
    return undefined;
  };
  if (options != null && typeof options !== "object") fail(`expected an object, got ${describe(options)}`);
  // Read through `option` like the rest: until it is known to be a function, console.warn reports.
  onError = option("onError", "a function", (value) => typeof value === "function" || value === null);
  return { report, option };
}

/** The longest unit id the runtime takes: ids are hashed and stored, and an unbounded one is a mistake or an attack. */
export const MAX_UNIT_ID_LENGTH = 4096;

/** Why `unitId` cannot name a unit, or undefined when it can. */
export function unitIdProblem(unitId: unknown): string | undefined {
  return typeof unitId === "string" && unitId.length <= MAX_UNIT_ID_LENGTH
    ? undefined
    : `unitId: expected a string of at most ${MAX_UNIT_ID_LENGTH} characters, got ${describe(unitId)}`;
}

/**
 * The documents of an array, with their indexes, whatever `documents` is: anything but an array is
 * reported and gives none, and so does an element that cannot be read (a getter that throws).
 */
export function documentsOf(documents: unknown, report: ReportError): [index: string, document: unknown][] {
  const found: [string, unknown][] = [];
  try {
    if (!Array.isArray(documents)) throw new TypeError(`expected an array of documents, got ${describe(documents)}`);
    // The keys there are, not every index below length: a sparse array of length 2^32 - 1 costs nothing.
    for (const index of Object.keys(documents).filter((key) => /^\d+$/.test(key)))
      try {
        found.push([index, documents[index as never]]);
      } catch (error) {
        report(error, `load documents[${index}]`);
      }
  } catch (error) {
    report(error, "load");
  }
  return found;
}
