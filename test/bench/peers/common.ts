import { murmur3 } from "prosper-runtime";

/**
 * What every library in the evaluation bench shares: the users, the process's constants, the unit
 * fraction, and the shape of one library's implementation of one case.
 *
 * Every library hashes with prosper's own murmur3 (the code the generated module runs), so that a
 * ratio measures how each evaluates, not whose hash function is quicker.
 */

export { murmur3 };

/** One user, as an app would pass it: the unit id (absent for anonymous cases) and request facts. */
export interface User {
  readonly unitId?: string;
  readonly staff: boolean;
  readonly country: string;
  readonly platform: string;
  readonly searchesLastWeek: number;
}

/** The process's constants, given to every library the same way prosper's `createFeatures` takes them. */
export const environment = { hostname: "lenovo-7", sessionRandom: 0.5 } as const;

export const TWO_TO_32 = 4294967296;

/** prosper's unit fraction: `murmur3(salt + ":" + unitId) / 2^32`; the peers get it as an attribute. */
export const unitFraction = (salt: string, unitId: string): number => murmur3(salt + ":" + unitId) / TWO_TO_32;

/** The session random a feature reads: the unit's fraction when there is a unit id, the process's otherwise. */
export const sessionFraction = (salt: string, unitId: string | undefined): number =>
  unitId === undefined ? environment.sessionRandom : unitFraction(salt, unitId);

export interface Implementation {
  /** The answer for one user (what the app gets back: a value, never a wrapper); compared across libraries. */
  readonly answer: (user: User) => unknown;
  /** Evaluates every user once and returns the elapsed milliseconds; the loop is the implementation's own. */
  readonly measure: (users: readonly User[]) => number | Promise<number>;
  /** "same": answers must equal the hand-written ones; "split": own hashing, only the split is compared. */
  readonly check?: "same" | "split";
}

/** Sink for the loops' tallies, so that no evaluation can be optimised away. */
export let sink = 0;

/** Keeps a loop's tally, so that its evaluations count as used. */
export function keep(tally: number): void {
  sink ^= tally;
}

/** Times one synchronous loop over every user; the loop itself is written out per implementation. */
export function timed(loop: (users: readonly User[]) => number): (users: readonly User[]) => number {
  return (users) => {
    const started = performance.now();
    sink ^= loop(users);
    return performance.now() - started;
  };
}

/**
 * The smallest fraction `h / 2^32` (h an integer) at which `floor(fraction * total)` reaches
 * `index`: comparing a unit fraction with it (`<`) is exactly prosper's weighted choice, float
 * rounding included, so a peer comparing an attribute with thresholds gives the same variant.
 */
export function cutPoint(total: number, index: number): number {
  let low = 0;
  let high = TWO_TO_32;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (Math.floor((middle / TWO_TO_32) * total) >= index) high = middle;
    else low = middle + 1;
  }
  return low / TWO_TO_32;
}

/** The checkout-cta, greeting and three-variant experiments' cut points (prosper's `random` is equal weights). */
export const cuts = {
  checkoutCta: [cutPoint(3, 1), cutPoint(3, 2)],
  greeting: [cutPoint(100, 33), cutPoint(100, 66)],
  three: [cutPoint(3, 1), cutPoint(3, 2)],
} as const;
