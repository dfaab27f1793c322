/// <reference types="node" />
/**
 * `prosper-runtime/pyof-files`: PyOF's API in TypeScript terms, for node (it reads and writes
 * files; `prosper-runtime` and `prosper-runtime/pyof` do no I/O). Load and dump a PyOF file,
 * PyOF's three accessors on a loaded document, and evaluation by name from a folder of files with
 * the caller's default. Built on `fromPyof`, `toPyof` and `createFeatures`; nothing here throws
 * into application code.
 */
import { Buffer } from "node:buffer";
import { randomBytes } from "node:crypto";
import { readFileSync, renameSync, rmSync, statSync, writeFileSync, type BigIntStats } from "node:fs";
import { basename, dirname, extname, isAbsolute, join, resolve } from "node:path";
import { pid } from "node:process";
import { messageOf } from "./describe.js";
import type { EvaluationContext } from "./features/compile-classifier.js";
import type { FeatureEvaluation } from "./features/compile-feature.js";
import { createFeatures, type FeatureOptions } from "./features/create-features.js";
import type { FeatureJson, JsonValue } from "./format.js";
import { fromPyof } from "./pyof/from-pyof.js";
import { toPyof } from "./pyof/to-pyof.js";
import type { ReadResult } from "./read-document.js";
import type { DocumentProblem } from "./read-json.js";

const problem = (message: string): readonly DocumentProblem[] => [{ path: [], kind: "json", message }];

/** PyOF names a feature after its file: `ofs/holdout.json` is "holdout". */
export function pyofName(path: string): string {
  const base = basename(path);
  return extname(base) ? base.slice(0, -extname(base).length) : base;
}

/** Reads a PyOF file (`OfflineFeature.load`), named after the file. Never throws. */
export function loadPyof(path: string): ReadResult<FeatureJson> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    return { ok: false, problems: problem(`could not read ${JSON.stringify(String(path))}: ${messageOf(error)}`) };
  }
  return fromPyof(text, { name: pyofName(path) });
}

export type DumpResult =
  | { readonly ok: true; readonly written: boolean }
  | { readonly ok: false; readonly problems: readonly DocumentProblem[] };

/**
 * Writes a document as PyOF's file (`write_to_disk`), only when the file's bytes would change:
 * `written` says whether it did. The text goes to a temporary file beside it, renamed into place,
 * so that a reader never sees half a file. Never throws.
 */
export function dumpPyof(document: unknown, path: string): DumpResult {
  const dumped = toPyof(document);
  if (!dumped.ok) return dumped;
  const bytes = Buffer.from(dumped.text, "utf8");
  let temporary: string | undefined;
  try {
    let current: Buffer | undefined;
    try {
      current = readFileSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException)?.code !== "ENOENT") throw error;
    }
    if (current?.equals(bytes)) return { ok: true, written: false };
    temporary = join(dirname(path), `.${basename(path)}.${pid}.${randomBytes(6).toString("hex")}.tmp`);
    writeFileSync(temporary, bytes, { flag: "wx" });
    renameSync(temporary, path);
    temporary = undefined;
    return { ok: true, written: true };
  } catch (error) {
    if (temporary !== undefined)
      try {
        rmSync(temporary, { force: true });
      } catch {
        // Best effort: the write already failed, and that is what is reported.
      }
    return { ok: false, problems: problem(`could not write ${JSON.stringify(String(path))}: ${messageOf(error)}`) };
  }
}

/** PyOF's accessors on a loaded document; `undefined` as a bucket is PyOF's `None` (the default was served). */
export interface PyofAccessors {
  /** `get_bucket_name()`: the bucket that matched, or undefined when none did. */
  bucketName(context?: EvaluationContext): string | undefined;
  /** `get_value_for_bucket(name)`: that bucket's value, or the default for undefined or an unknown name. */
  valueForBucket(bucket: string | undefined): JsonValue;
  /** The value this context gets: the matched bucket's, or the default. */
  value(context?: EvaluationContext): JsonValue;
  /** `get_bucket_and_value()`. */
  bucketAndValue(context?: EvaluationContext): readonly [bucket: string | undefined, value: JsonValue];
}

const matched = (evaluation: FeatureEvaluation) =>
  evaluation.reason === "TARGETING_MATCH" || evaluation.reason === "SPLIT";

/**
 * PyOF's three accessors on a document (from `loadPyof` or `fromPyof`), evaluated with the given
 * environment (`hostname`, `sessionRandom`; detected when absent) and `onError`. Never throws: a
 * document that cannot be read serves its default, as `createFeatures` does.
 */
export function pyofAccessors(document: FeatureJson, environment?: FeatureOptions): PyofAccessors {
  let name: unknown;
  let buckets = new Map<string, JsonValue>();
  let fallback: JsonValue = null;
  try {
    name = document.name;
    fallback = document.default;
    // The first bucket of a name, as a search through the list finds it.
    for (const bucket of document.buckets) if (!buckets.has(bucket.name)) buckets.set(bucket.name, bucket.value);
  } catch {
    // A document that cannot be read: createFeatures reports it and serves what it can.
  }
  const features = createFeatures([document], environment);
  const evaluate = (context?: EvaluationContext) => features.evaluate(name as string, context) as FeatureEvaluation;
  const bucketName = (context?: EvaluationContext) => {
    const evaluation = evaluate(context);
    return matched(evaluation) ? evaluation.bucket : undefined;
  };
  return {
    bucketName,
    valueForBucket: (bucket) =>
      typeof bucket === "string" && buckets.has(bucket) ? buckets.get(bucket)! : (fallback ?? null),
    value: (context) => evaluate(context).value,
    bucketAndValue: (context) => {
      const evaluation = evaluate(context);
      return Object.freeze([matched(evaluation) ? evaluation.bucket : undefined, evaluation.value] as const);
    },
  };
}

/**
 * - ok: a bucket matched; its value and name.
 * - default: no bucket matched; the feature's default.
 * - not-exist: there is no `<name>.json` in the folder (or the name would leave it); the caller's default.
 * - error: the file could not be read, parsed or translated, or the context could not be used; the
 *   caller's default, and why.
 */
export type PyofFolderResult<T> =
  | { readonly kind: "ok"; readonly value: JsonValue; readonly bucket: string; readonly message?: string }
  | { readonly kind: "default"; readonly value: JsonValue; readonly message?: string }
  | { readonly kind: "not-exist"; readonly value: T }
  | { readonly kind: "error"; readonly value: T; readonly message: string };

export interface PyofFolder {
  /** The feature `<name>.json` in the folder for this context, or the caller's default. Never throws. */
  evaluate<T>(name: string, callerDefault: T, context?: EvaluationContext): PyofFolderResult<T>;
}

type Compiled =
  | { readonly ok: true; readonly evaluate: (context?: EvaluationContext) => FeatureEvaluation }
  | { readonly ok: false; readonly message: string };

interface CacheEntry {
  readonly stamp: string;
  readonly compiled: Compiled;
}

/** What changes when a file is written in place or replaced by a rename. */
const stampOf = (stats: BigIntStats) => `${stats.mtimeNs}:${stats.size}:${stats.ino}:${stats.dev}`;

/**
 * Evaluation by name from a folder of PyOF files, as PyOF's applications do. Each file is read
 * and compiled once, and again when its modification time (or size, or inode) changes. Names that
 * would leave the folder (`../x`, `a/b`, absolute paths) do not exist and are never read.
 */
export function pyofFolder(folder: string, environment?: FeatureOptions): PyofFolder {
  let root: string | undefined;
  try {
    // Anything but a folder's path: every name is then not-exist.
    root = typeof folder === "string" && folder && !folder.includes("\0") ? resolve(folder) : undefined;
  } catch {
    root = undefined;
  }
  const cache = new Map<string, CacheEntry>();

  const fileOf = (name: unknown): string | undefined => {
    if (root === undefined || typeof name !== "string" || !name || /[/\\\0]/.test(name) || isAbsolute(name))
      return undefined;
    if (name === "." || name === "..") return undefined;
    const file = resolve(root, name + ".json");
    return dirname(file) === root && basename(file) === name + ".json" ? file : undefined;
  };

  const compile = (file: string, name: string): Compiled => {
    const read = loadPyof(file);
    if (!read.ok) {
      const first = read.problems[0];
      const where = first?.path.length ? ` at ${JSON.stringify(first.path)}` : "";
      return { ok: false, message: `${name}.json: ${first?.message ?? "could not be read"}${where}` };
    }
    const features = createFeatures([read.document], environment);
    return { ok: true, evaluate: (context) => features.evaluate(name, context) as FeatureEvaluation };
  };

  const evaluate = <T>(name: string, callerDefault: T, context?: EvaluationContext): PyofFolderResult<T> => {
    try {
      const file = fileOf(name);
      if (file === undefined) return { kind: "not-exist", value: callerDefault };
      let stats: BigIntStats | undefined;
      try {
        stats = statSync(file, { bigint: true, throwIfNoEntry: false });
      } catch (error) {
        cache.delete(name);
        return { kind: "error", value: callerDefault, message: `${name}.json: ${messageOf(error)}` };
      }
      if (stats === undefined) {
        cache.delete(name);
        return { kind: "not-exist", value: callerDefault };
      }
      const stamp = stampOf(stats);
      let entry = cache.get(name);
      if (entry?.stamp !== stamp) {
        entry = { stamp, compiled: compile(file, name) };
        cache.set(name, entry);
      }
      const { compiled } = entry;
      if (!compiled.ok) return { kind: "error", value: callerDefault, message: compiled.message };
      const evaluation = compiled.evaluate(context);
      const message = evaluation.message === undefined ? {} : { message: evaluation.message };
      if (matched(evaluation)) return { kind: "ok", value: evaluation.value, bucket: evaluation.bucket, ...message };
      if (evaluation.reason === "DEFAULT") return { kind: "default", value: evaluation.value, ...message };
      return {
        kind: "error",
        value: callerDefault,
        message: evaluation.message ?? `${name}.json could not be evaluated (${evaluation.reason})`,
      };
    } catch (error) {
      // Not expected; kept so that a gap above cannot throw into the application.
      return { kind: "error", value: callerDefault, message: messageOf(error) };
    }
  };
  return { evaluate };
}
