import { environment, murmur3, timed, TWO_TO_32, type Implementation, type User } from "./common.js";

/**
 * The same logic as the bench's definitions, written by hand the way a careful engineer would:
 * process constants (the hostname test, the session random) computed once, murmur3 for the unit
 * fraction only when a bucket needs it, no allocation per call. Each loop is written out, not
 * shared, so that each call site sees one function and V8 may inline it, as it would in an app.
 *
 * The experiments are sticky, as prosper's are with its memory store: a unit keeps its variant
 * until the experiment completes, whatever the weights become. So the unit's variant is recorded
 * in a Map the first time it is chosen and read back from it after, the least a careful engineer
 * needs for that; each timed run starts with an empty Map, as prosper's does with a new memory
 * store, so every unit is new.
 */

const hostnameIsLen = /^len.+/.test(environment.hostname);
const processRandom = environment.sessionRandom;

function banner(user: User): string {
  if (!hostnameIsLen) return "default";
  const random = user.unitId === undefined ? processRandom : murmur3("sessionRandom:" + user.unitId) / TWO_TO_32;
  return random < 0.1 ? "A" : random < 0.9 ? "B" : "default";
}

function holdout(user: User): boolean {
  if (!hostnameIsLen) return false;
  const random = user.unitId === undefined ? processRandom : murmur3("sessionRandom:" + user.unitId) / TWO_TO_32;
  // The second bucket (random < 0.2) serves false, as the default does.
  return random < 0.1;
}

function newCheckout(user: User): boolean {
  if (user.staff === true) return true;
  const country = user.country;
  if (country !== "NL" && country !== "BE" && country !== "LU") return false;
  const random = user.unitId === undefined ? processRandom : murmur3("new-checkout:" + user.unitId) / TWO_TO_32;
  return random < 0.25;
}

function searchPageSize(user: User): number {
  if (user.platform === "ios" || user.platform === "android") return 10;
  return user.searchesLastWeek >= 50 ? 50 : 20;
}

/** Each experiment's recorded variants: unit id to variant index. */
type Assignments = Map<string, number>;

const ctaColors = ["blue", "red", "green"] as const;
function checkoutCtaColor(assigned: Assignments, unitId: string): string {
  let variant = assigned.get(unitId);
  if (variant === undefined)
    assigned.set(unitId, (variant = Math.floor((murmur3("checkout-cta:" + unitId) / TWO_TO_32) * 3)));
  return ctaColors[variant]!;
}

const greetings = ["Hello!", "Hi there!", "Hey!"] as const;
function greeting(assigned: Assignments, unitId: string): string {
  let variant = assigned.get(unitId);
  if (variant === undefined) {
    const point = Math.floor((murmur3("greeting_experiment:" + unitId) / TWO_TO_32) * 100);
    assigned.set(unitId, (variant = point < 33 ? 0 : point < 66 ? 1 : 2));
  }
  return greetings[variant]!;
}

const threeLabels = ["A", "B", "C"] as const;
function three(assigned: Assignments, unitId: string): string {
  let variant = assigned.get(unitId);
  if (variant === undefined)
    assigned.set(unitId, (variant = Math.floor((murmur3("bench-three:" + unitId) / TWO_TO_32) * 3)));
  return threeLabels[variant]!;
}

/**
 * A unit's answer, for the comparison, from recorded assignments of its own: a new Map every
 * 10,000 units, as the prosper side renews its instance, so that a million are not kept alive.
 */
function answerOf(pick: (assigned: Assignments, unitId: string) => string): (user: User) => string {
  let assigned: Assignments = new Map();
  return (user) => {
    if (assigned.size === 10_000) assigned = new Map();
    return pick(assigned, user.unitId!);
  };
}

export function handWritten(): Record<string, Implementation> {
  return {
    banner: {
      answer: banner,
      measure: timed((users) => {
        let tally = 0;
        for (let i = 0; i < users.length; i++) if (banner(users[i]!) === "A") tally++;
        return tally;
      }),
    },
    holdout: {
      answer: holdout,
      measure: timed((users) => {
        let tally = 0;
        for (let i = 0; i < users.length; i++) if (holdout(users[i]!)) tally++;
        return tally;
      }),
    },
    "new-checkout": {
      answer: newCheckout,
      measure: timed((users) => {
        let tally = 0;
        for (let i = 0; i < users.length; i++) if (newCheckout(users[i]!)) tally++;
        return tally;
      }),
    },
    "search-page-size": {
      answer: searchPageSize,
      measure: timed((users) => {
        let tally = 0;
        for (let i = 0; i < users.length; i++) tally += searchPageSize(users[i]!);
        return tally;
      }),
    },
    "checkout-cta": {
      answer: answerOf(checkoutCtaColor),
      measure: timed((users) => {
        const assigned: Assignments = new Map();
        let tally = 0;
        for (let i = 0; i < users.length; i++) if (checkoutCtaColor(assigned, users[i]!.unitId!) === "red") tally++;
        return tally;
      }),
    },
    greeting: {
      answer: answerOf(greeting),
      measure: timed((users) => {
        const assigned: Assignments = new Map();
        let tally = 0;
        for (let i = 0; i < users.length; i++) if (greeting(assigned, users[i]!.unitId!) === "Hey!") tally++;
        return tally;
      }),
    },
    three: {
      answer: answerOf(three),
      measure: timed((users) => {
        const assigned: Assignments = new Map();
        let tally = 0;
        for (let i = 0; i < users.length; i++) if (three(assigned, users[i]!.unitId!) === "A") tally++;
        return tally;
      }),
    },
  };
}
