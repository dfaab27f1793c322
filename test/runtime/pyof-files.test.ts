import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { fromPyof } from "prosper-runtime/pyof";
import { dumpPyof, loadPyof, pyofAccessors, pyofFolder, pyofName } from "prosper-runtime/pyof-files";
import { afterEach, beforeEach, describe, expect, test } from "vitest";

/** CI has ../shared beside the repository. */
const interopPath = fileURLToPath(new URL("../../../shared/interop/pyof-ofs-test.json", import.meta.url));
const interop = readFileSync(interopPath, "utf8");

const lenovo = (sessionRandom: number) => ({ hostname: "lenovo", sessionRandom, onError: () => {} });

/** A PyOF document with one bucket "b" (`random.session < 0.5`, value `value`) and default `fallback`. */
const feature = (value: unknown, fallback: unknown = false) =>
  JSON.stringify(
    {
      type: "offline-feature",
      python_versions: ["all"],
      buckets: [
        {
          name: "b",
          classifier: { __type: "comparison.lt", attribute: { __type: "random.session" }, value: 0.5 },
          value,
        },
      ],
      default: fallback,
    },
    null,
    2,
  );

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), "prosper-pyof-files-"));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

describe("loadPyof and dumpPyof", () => {
  test("load names the feature after its file, and dump writes PyOF's bytes back", () => {
    copyFileSync(interopPath, join(folder, "test.json"));
    const read = loadPyof(join(folder, "test.json"));
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.document.name).toBe("test");
    expect(pyofName("ofs/holdout.json")).toBe("holdout");

    // Same bytes: not written, the file untouched.
    const path = join(folder, "test.json");
    utimesSync(path, new Date(2000, 0, 1), new Date(2000, 0, 1));
    const before = statSync(path, { bigint: true });
    expect(dumpPyof(read.document, path)).toEqual({ ok: true, written: false });
    const after = statSync(path, { bigint: true });
    expect(after.mtimeNs).toBe(before.mtimeNs);
    expect(after.ino).toBe(before.ino);
    expect(readFileSync(path, "utf8")).toBe(interop);
  });

  test("dump writes a new file, then only when the bytes change, leaving no temporary file", () => {
    const path = join(folder, "out.json");
    const first = fromPyof(feature(true), { name: "out" });
    const second = fromPyof(feature(42), { name: "out" });
    if (!first.ok || !second.ok) throw new Error("fixtures");
    expect(dumpPyof(first.document, path)).toEqual({ ok: true, written: true });
    expect(readFileSync(path, "utf8")).toBe(feature(true));
    utimesSync(path, new Date(2000, 0, 1), new Date(2000, 0, 1));
    const mtime = statSync(path, { bigint: true }).mtimeNs;
    expect(dumpPyof(first.document, path)).toEqual({ ok: true, written: false });
    expect(statSync(path, { bigint: true }).mtimeNs).toBe(mtime);
    expect(dumpPyof(second.document, path)).toEqual({ ok: true, written: true });
    expect(readFileSync(path, "utf8")).toBe(feature(42));
    expect(statSync(path, { bigint: true }).mtimeNs).not.toBe(mtime);
    expect(readdirSync(folder)).toEqual(["out.json"]);
  });

  test("problems, never throws", () => {
    expect(loadPyof(join(folder, "missing.json"))).toMatchObject({ ok: false, problems: [{ path: [] }] });
    writeFileSync(join(folder, "broken.json"), "{ not json");
    expect(loadPyof(join(folder, "broken.json")).ok).toBe(false);
    expect(loadPyof(null as never).ok).toBe(false);
    const document = fromPyof(feature(true), { name: "f" });
    if (!document.ok) throw new Error("fixture");
    // A folder that does not exist, and a document PyOF cannot say.
    expect(dumpPyof(document.document, join(folder, "no", "such", "f.json"))).toMatchObject({ ok: false });
    expect(dumpPyof({ nonsense: true }, join(folder, "f.json"))).toMatchObject({ ok: false });
    expect(dumpPyof(document.document, null as never)).toMatchObject({ ok: false });
    expect(readdirSync(folder).sort()).toEqual(["broken.json"]);
  });
});

describe("PyOF's accessors", () => {
  test("bucket name, value for bucket, bucket and value", () => {
    const read = fromPyof(interop, { name: "test" });
    if (!read.ok) throw new Error("fixture");
    const holdout = pyofAccessors(read.document, lenovo(0.05));
    expect(holdout.bucketName()).toBe("holdout");
    expect(holdout.value()).toBe(true);
    expect(holdout.bucketAndValue()).toEqual(["holdout", true]);
    expect(holdout.valueForBucket("control")).toBe(false);
    expect(holdout.valueForBucket("")).toBe(null);
    expect(holdout.valueForBucket(undefined)).toBe(false);
    expect(holdout.valueForBucket("nope")).toBe(false);

    const control = pyofAccessors(read.document, lenovo(0.15));
    expect(control.bucketAndValue()).toEqual(["control", false]);

    const none = pyofAccessors(read.document, lenovo(0.5));
    expect(none.bucketName()).toBeUndefined();
    expect(none.bucketAndValue()).toEqual([undefined, false]);

    const elsewhere = pyofAccessors(read.document, { hostname: "thinkpad", sessionRandom: 0.05, onError: () => {} });
    expect(elsewhere.bucketAndValue()).toEqual([undefined, false]);
  });

  test("a document that cannot be read serves what it can, without throwing", () => {
    const accessors = pyofAccessors(null as never, { onError: () => {} });
    expect(accessors.bucketAndValue()).toEqual([undefined, undefined]);
    expect(accessors.valueForBucket("x")).toBe(null);
  });
});

describe("pyofFolder", () => {
  test("the interop file, by name, under a controlled environment", () => {
    copyFileSync(interopPath, join(folder, "test.json"));
    expect(pyofFolder(folder, lenovo(0.05)).evaluate("test", "mine")).toEqual({
      kind: "ok",
      value: true,
      bucket: "holdout",
    });
    expect(pyofFolder(folder, lenovo(0.5)).evaluate("test", "mine")).toEqual({ kind: "default", value: false });
  });

  test("not-exist, error and names that would leave the folder", () => {
    writeFileSync(join(folder, "broken.json"), "{ not json");
    writeFileSync(join(folder, "strange.json"), feature(true).replace("random.session", "random.galaxy"));
    mkdirSync(join(folder, "dir.json"));
    mkdirSync(join(folder, "a"));
    writeFileSync(join(folder, "a", "b.json"), feature(true));
    writeFileSync(join(folder, "..", "escape-" + folder.split(/[/\\]/).pop() + ".json"), feature(true));
    const files = pyofFolder(folder, lenovo(0.1));
    try {
      expect(files.evaluate("missing", "mine")).toEqual({ kind: "not-exist", value: "mine" });
      expect(files.evaluate("broken", "mine")).toMatchObject({ kind: "error", value: "mine" });
      expect(files.evaluate("broken", "mine").kind === "error" && files.evaluate("broken", 1)).toMatchObject({
        message: expect.stringContaining("broken.json"),
      });
      expect(files.evaluate("strange", 7)).toMatchObject({
        kind: "error",
        value: 7,
        message: expect.stringContaining("random.galaxy"),
      });
      expect(files.evaluate("dir", 7)).toMatchObject({ kind: "error", value: 7 });
      for (const name of [
        "a/b",
        "a\\b",
        "../escape-" + folder.split(/[/\\]/).pop(),
        join(folder, "a", "b"),
        "",
        ".",
        "..",
        "x\0y",
        null,
        42,
      ])
        expect(files.evaluate(name as string, "mine")).toEqual({ kind: "not-exist", value: "mine" });
      // A context it cannot use: the caller's default, and why.
      writeFileSync(join(folder, "good.json"), feature(true));
      expect(files.evaluate("good", "mine", { unitId: 5 } as never)).toMatchObject({ kind: "error", value: "mine" });
      expect(files.evaluate("good", "mine")).toEqual({ kind: "ok", value: true, bucket: "b" });
    } finally {
      rmSync(join(folder, "..", "escape-" + folder.split(/[/\\]/).pop() + ".json"), { force: true });
    }
  });

  test("files are read once and again when they change", () => {
    const path = join(folder, "flag.json");
    writeFileSync(path, feature("one"));
    utimesSync(path, new Date(2000, 0, 1), new Date(2000, 0, 1));
    const files = pyofFolder(folder, lenovo(0.1));
    expect(files.evaluate("flag", null)).toEqual({ kind: "ok", value: "one", bucket: "b" });

    // Cached: a file unreadable now but with the same stamp is not read again.
    const stats = statSync(path);
    writeFileSync(path, feature("two"));
    utimesSync(path, stats.atime, stats.mtime);
    expect(files.evaluate("flag", null)).toEqual({ kind: "ok", value: "one", bucket: "b" });

    // A new modification time: read again.
    utimesSync(path, new Date(2001, 0, 1), new Date(2001, 0, 1));
    expect(files.evaluate("flag", null)).toEqual({ kind: "ok", value: "two", bucket: "b" });

    // Replaced by dumpPyof's rename, broken, and removed.
    const three = fromPyof(feature("three"), { name: "flag" });
    if (!three.ok) throw new Error("fixture");
    expect(dumpPyof(three.document, path)).toEqual({ ok: true, written: true });
    expect(files.evaluate("flag", null)).toEqual({ kind: "ok", value: "three", bucket: "b" });
    writeFileSync(path, "[");
    utimesSync(path, new Date(2002, 0, 1), new Date(2002, 0, 1));
    expect(files.evaluate("flag", null)).toMatchObject({ kind: "error", value: null });
    rmSync(path);
    expect(files.evaluate("flag", null)).toEqual({ kind: "not-exist", value: null });
    writeFileSync(path, feature("four"));
    expect(files.evaluate("flag", null)).toEqual({ kind: "ok", value: "four", bucket: "b" });
  });

  test("a folder that does not exist, or garbage, never throws", () => {
    expect(pyofFolder(join(folder, "nope")).evaluate("x", 1)).toEqual({ kind: "not-exist", value: 1 });
    expect(pyofFolder(null as never).evaluate("x", 1).value).toBe(1);
  });
});
