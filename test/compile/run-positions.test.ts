import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { defaultLimits, run, type RunOptions } from "../../compiler/stages/run/run.js";
import type { CollectedDefinition } from "../../compiler/stages/run/protocol.js";

/**
 * Where a definition was built is found only for the definitions the compiler asks about (those
 * it cannot place by their export): the rest of the run is the same, and what it asks for is
 * exactly what a run that finds every place would say.
 */
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const caseDir = join(repoRoot, "test/golden/hostile-helper-built-in-array");
const options: RunOptions = {
  root: repoRoot,
  files: [join(caseDir, "definitions/limits.ts")],
  tsconfig: join(repoRoot, "tsconfig.json"),
  conditions: ["prosper-source"],
  limits: defaultLimits,
};
const ranWith = async (wantsBuiltAt?: RunOptions["wantsBuiltAt"]) =>
  (await (await run({ ...options, wantsBuiltAt })).result).definitions;
const places = (definitions: readonly CollectedDefinition[]) =>
  Object.fromEntries(
    definitions.map((definition) => [
      `${definition.exportName}${definition.path.map((key) => `.${key}`).join("")}`,
      definition.builtAt && {
        ...definition.builtAt,
        file: definition.builtAt.file.slice(caseDir.length + 1),
      },
    ]),
  );

describe("where definitions were built", () => {
  test("found for every definition when the compiler does not say which", async () => {
    expect(places(await ranWith())).toEqual({
      "limits.0": { file: "support/plans.ts", line: 5, column: 10 },
      "limits.1": { file: "support/plans.ts", line: 5, column: 10 },
      "perPlan.business": { file: "support/plans.ts", line: 5, column: 10 },
      direct: { file: "definitions/limits.ts", line: 10, column: 23 },
    });
  });

  test("found only for the definitions asked about, the same as when all are found", async () => {
    const all = await ranWith();
    const some = await ranWith((definition) => definition.exportName !== "direct");
    expect(places(some)).toEqual({ ...places(all), direct: undefined });
    // Nothing else differs.
    const withoutPlaces = (definitions: readonly CollectedDefinition[]) =>
      definitions.map(({ builtAt: _, ...rest }) => rest);
    expect(withoutPlaces(some)).toEqual(withoutPlaces(all));
  });

  test("none asked for, none found; a question that throws finds them all", async () => {
    expect(Object.values(places(await ranWith(() => false)))).toEqual([undefined, undefined, undefined, undefined]);
    const thrown = await ranWith(() => {
      throw new Error("the index is not there");
    });
    expect(places(thrown)).toEqual(places(await ranWith()));
  });
});

describe("a definition file gone between listing and bundling", () => {
  test("fails the bundle, naming the file", async () => {
    const gone = join(caseDir, "definitions/gone-since-listed.ts");
    const ran = await (await run({ ...options, files: [...options.files, gone] })).result;
    expect(ran.definitions).toEqual([]);
    expect(ran.failures).toHaveLength(1);
    expect(ran.failures[0]).toMatchObject({ reason: "bundle", file: gone, frames: [] });
  });
});

// What a run leaves behind. (Removed synchronously as the run ends, see run.ts: how soon the
// result then arrives is the compile bench's to measure.)
test("a run's folder is gone by the time its result arrives", async () => {
  const ownFolders = () => readdirSync(tmpdir()).filter((entry) => entry.startsWith(`prosper-run-${process.pid}-`));
  const started = await run(options);
  expect(ownFolders()).toHaveLength(1);
  await started.result;
  expect(ownFolders()).toEqual([]);
});
