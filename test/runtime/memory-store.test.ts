import { memoryStore } from "prosper-runtime";
import { expect, test } from "vitest";

const variants = ["control", "a"];
const request = (unitId: string, variant: string) => ({ experiment: "e", unitId, variant, variants });

test("a unit completed is forgotten, and assigned afresh afterwards", async () => {
  const store = memoryStore();
  await store.enable("e");
  // Read then assign, as the engine does: the store remembers the unit it read last.
  await store.readUnit("u", ["e"], []);
  expect(await store.assign([request("u", "a")])).toEqual([{ variant: "a", stored: true }]);
  expect(await store.complete("e", "u", { score: 1, success: 1 }, variants)).toBe("a");
  // The record the store remembered is gone with the unit: the next assignment is stored, and read back.
  expect(await store.assign([request("u", "control")])).toEqual([{ variant: "control", stored: true }]);
  expect((await store.readUnit("u", ["e"], [])).experiments).toEqual([{ enabled: true, variant: "control" }]);
  expect(await store.complete("e", "u", { score: 0, success: 0 }, variants)).toBe("control");
  expect(await store.complete("e", "u", { score: 0, success: 0 }, variants)).toBeUndefined();
  const [stats] = await store.readStats(["e"]);
  expect(stats).toEqual({
    a: { assigned: 1, count: 1, sum: 1, successes: 1 },
    control: { assigned: 1, count: 1, sum: 0, successes: 0 },
  });
});

test("disable forgets units left with no assignment, and keeps the others'", async () => {
  const store = memoryStore();
  await store.enable("e");
  await store.enable("f");
  await store.assign([request("u", "a"), { ...request("v", "a"), experiment: "f" }]);
  await store.readUnit("u", ["e"], []);
  await store.disable("e");
  await store.enable("e");
  expect((await store.readUnit("u", ["e"], [])).experiments).toEqual([{ enabled: true, variant: undefined }]);
  expect(await store.assign([request("u", "control")])).toEqual([{ variant: "control", stored: true }]);
  expect((await store.readUnit("v", ["f"], [])).experiments).toEqual([{ enabled: true, variant: "a" }]);
});
