import { environment, murmur3, timed, TWO_TO_32, type Implementation, type User } from "./common.js";

/**
 * The same logic as the bench's definitions, written by hand the way a careful engineer would:
 * process constants (the hostname test, the session random) computed once, murmur3 for the unit
 * fraction only when a bucket needs it, no allocation per call. Each loop is written out, not
 * shared, so that each call site sees one function and V8 may inline it, as it would in an app.
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

const ctaColors = ["blue", "red", "green"] as const;
function checkoutCtaColor(user: User): string {
  return ctaColors[Math.floor((murmur3("checkout-cta:" + user.unitId!) / TWO_TO_32) * 3)]!;
}

function greeting(user: User): string {
  const point = Math.floor((murmur3("greeting_experiment:" + user.unitId!) / TWO_TO_32) * 100);
  return point < 33 ? "Hello!" : point < 66 ? "Hi there!" : "Hey!";
}

const threeLabels = ["A", "B", "C"] as const;
function three(user: User): string {
  return threeLabels[Math.floor((murmur3("bench-three:" + user.unitId!) / TWO_TO_32) * 3)]!;
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
      answer: checkoutCtaColor,
      measure: timed((users) => {
        let tally = 0;
        for (let i = 0; i < users.length; i++) if (checkoutCtaColor(users[i]!) === "red") tally++;
        return tally;
      }),
    },
    greeting: {
      answer: greeting,
      measure: timed((users) => {
        let tally = 0;
        for (let i = 0; i < users.length; i++) if (greeting(users[i]!) === "Hey!") tally++;
        return tally;
      }),
    },
    three: {
      answer: three,
      measure: timed((users) => {
        let tally = 0;
        for (let i = 0; i < users.length; i++) if (three(users[i]!) === "A") tally++;
        return tally;
      }),
    },
  };
}
