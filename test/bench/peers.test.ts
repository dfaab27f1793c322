import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { cutPoint, TWO_TO_32, type User } from "./peers/common.js";
import { flagd } from "./peers/flagd.js";
import { growthBook } from "./peers/growthbook.js";
import { handWritten } from "./peers/hand-written.js";

/**
 * The evaluation bench's peers must do the work of the hand-written functions, or its ratios
 * compare different things. The bench checks all 1e6 users before it times anything; this checks
 * the peers' configurations on a sample in `npm test`, so that a broken one is caught before.
 */

describe("cutPoint", () => {
  test("a fraction is below the k-th cut point exactly when floor(fraction * total) is below k", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: TWO_TO_32 - 1 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 0, max: 1000 }),
        (hash, total, index) => {
          const fraction = hash / TWO_TO_32;
          expect(fraction < cutPoint(total, index)).toBe(Math.floor(fraction * total) < index);
        },
      ),
    );
  });

  test("at the cut point itself the weighted choice has moved on, one hash below it has not", () => {
    for (const [total, index] of [
      [3, 1],
      [3, 2],
      [100, 33],
      [100, 66],
      [7, 5],
    ] as const) {
      const cut = cutPoint(total, index);
      expect(Math.floor(cut * total)).toBeGreaterThanOrEqual(index);
      expect(Math.floor(((cut * TWO_TO_32 - 1) / TWO_TO_32) * total)).toBeLessThan(index);
    }
  });
});

describe("the peers give the hand-written answers", async () => {
  const users: User[] = Array.from({ length: 5000 }, (_, i) => ({
    unitId: `user-${i}`,
    staff: i % 41 === 0,
    country: ["NL", "BE", "LU", "DE", "US"][i % 5]!,
    platform: ["web", "ios", "android", "web"][i % 4]!,
    searchesLastWeek: (i * 7) % 100,
  }));
  const anonymous = users.map(({ unitId: _, ...facts }) => facts);
  const hand = handWritten();
  const peers = { GrowthBookClient: growthBook(), "flagd-core": await flagd() };

  for (const key of Object.keys(hand))
    for (const [library, implementations] of Object.entries(peers))
      test(`${key}: ${library}`, () => {
        const implementation = implementations[key]!;
        for (const group of key === "banner" || key === "holdout" ? [users, anonymous] : [users])
          for (const user of group)
            expect(implementation.answer(user), JSON.stringify(user)).toEqual(hand[key]!.answer(user));
      });

  test("every answer occurs: no case is decided by a constant", () => {
    for (const [key, implementation] of Object.entries(hand)) {
      const answers = new Set(users.map((user) => implementation.answer(user)));
      expect(answers.size, key).toBeGreaterThan(1);
    }
  });
});
