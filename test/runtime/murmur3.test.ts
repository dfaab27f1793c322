import { murmur3, unitFraction, variantByWeight } from "prosper-runtime";
import { describe, expect, test } from "vitest";
import conformance from "../conformance/assignment.json" with { type: "json" };

// The reference table of MurmurHash3_x86_32 results (UTF-8 input), as published with the algorithm.
const vectors: [input: string, seed: number, hash: number][] = [
  ["", 0, 0],
  ["", 1, 0x514e28b7],
  ["", 0xffffffff, 0x81f16f39],
  ["\0\0\0\0", 0, 0x2362f9de],
  ["aaaa", 0x9747b28c, 0x5a97808a],
  ["aaa", 0x9747b28c, 0x283e0130],
  ["aa", 0x9747b28c, 0x5d211726],
  ["a", 0x9747b28c, 0x7fa09ea6],
  ["abcd", 0x9747b28c, 0xf0478627],
  ["abc", 0x9747b28c, 0xc84a62dd],
  ["ab", 0x9747b28c, 0x74875592],
  ["Hello, world!", 0x9747b28c, 0x24884cba],
  ["ππππππππ", 0x9747b28c, 0xd58063c1],
  ["The quick brown fox jumps over the lazy dog", 0x9747b28c, 0x2fa826cd],
];

describe("murmur3", () => {
  test.each(vectors)("murmur3(%j, %d)", (input, seed, hash) => {
    expect(murmur3(input, seed)).toBe(hash);
  });
});

describe("assignment known answers (test/conformance/assignment.json)", () => {
  test.each(conformance.cases)("$salt:$unitId", (entry) => {
    const { salt, unitId, hash } = entry;
    expect(murmur3(`${salt}:${unitId}`)).toBe(hash);
    if ("weights" in entry) expect(variantByWeight(entry.weights, hash)).toBe(entry.variant);
    if ("fraction" in entry) expect(unitFraction(salt, unitId)).toBe(entry.fraction);
  });
});

describe("variantByWeight", () => {
  test("walks cumulative integer weights over [0, 2^32)", () => {
    expect(variantByWeight([1, 1], 0)).toBe(0);
    expect(variantByWeight([1, 1], 2 ** 31 - 1)).toBe(0);
    expect(variantByWeight([1, 1], 2 ** 31)).toBe(1);
    expect(variantByWeight([1, 1], 2 ** 32 - 1)).toBe(1);
    expect(variantByWeight([33, 33, 34], Math.ceil(0.66 * 2 ** 32))).toBe(2);
    expect(variantByWeight([33, 33, 34], Math.ceil(0.66 * 2 ** 32) - 1)).toBe(1);
  });
  test("never picks a variant of weight 0", () => {
    for (let hash = 0; hash < 2 ** 32; hash += 2 ** 32 / 997)
      expect(variantByWeight([0, 5, 0], Math.floor(hash))).toBe(1);
  });
});
