import type { AttributeJson, ClassifierJson, Scalar } from "prosper-runtime";
import { backtrackingRisk } from "./regex-backtracking.js";

/**
 * What can be decided about classifiers without evaluating them, soundly: an answer is given only
 * when the runtime (compile-classifier.ts, three-valued) gives it on every evaluation; otherwise
 * the answer is undefined or false ("cannot tell"), never a guess.
 */

type Comparison = Extract<ClassifierJson, { attribute: AttributeJson }>;

/** sessionRandom reads a number in [0, 1): a hash over 2^32, or a draw that the runtime checks is in [0, 1). */
const randomLow = 0;
const randomHigh = 1;

export const isComparison = (node: ClassifierJson): node is Comparison => "attribute" in node;

/** The value a comparison of a constant reads, when the comparison can be evaluated now. */
function staticOutcome(node: Comparison): boolean | undefined {
  if (node.attribute.kind !== "static") return undefined;
  return holdsFor(node, node.attribute.value);
}

/**
 * Whether `node` holds for the attribute value `actual`, exactly as the runtime decides it; undefined
 * when the runtime could not evaluate it (a value of the wrong type) or the answer is not cheap and safe.
 */
function holdsFor(node: Comparison, actual: Scalar): boolean | undefined {
  switch (node.kind) {
    case "lt":
      return typeof actual === "number" ? actual < node.value : undefined;
    case "lte":
      return typeof actual === "number" ? actual <= node.value : undefined;
    case "gt":
      return typeof actual === "number" ? actual > node.value : undefined;
    case "gte":
      return typeof actual === "number" ? actual >= node.value : undefined;
    case "eq":
      return typeof actual === typeof node.value ? actual === node.value : undefined;
    case "ne":
      return typeof actual === typeof node.value ? actual !== node.value : undefined;
    case "oneOf":
      return node.values.length && typeof actual === typeof node.values[0] ? node.values.includes(actual) : undefined;
    case "regexMatch": {
      // Only a pattern that is valid and proven linear (PRS304 has already asked) is run here.
      if (typeof actual !== "string") return undefined;
      const flags = node.flags ?? "";
      let regex: RegExp;
      try {
        regex = new RegExp(node.pattern, flags);
      } catch {
        return undefined;
      }
      if (backtrackingRisk(node.pattern, flags) !== undefined) return undefined;
      return actual.search(regex) >= 0;
    }
  }
}

/** A half-open or closed stretch of numbers; infinite ends are inclusive (a context number may be ±Infinity). */
interface Interval {
  readonly low: number;
  readonly lowIn: boolean;
  readonly high: number;
  readonly highIn: boolean;
}

const everyNumber: Interval = { low: -Infinity, lowIn: true, high: Infinity, highIn: true };
const unitInterval: Interval = { low: randomLow, lowIn: true, high: randomHigh, highIn: false };

function orderingInterval(node: Extract<Comparison, { kind: "lt" | "lte" | "gt" | "gte" }>): Interval {
  switch (node.kind) {
    case "lt":
      return { ...everyNumber, high: node.value, highIn: false };
    case "lte":
      return { ...everyNumber, high: node.value, highIn: true };
    case "gt":
      return { ...everyNumber, low: node.value, lowIn: false };
    case "gte":
      return { ...everyNumber, low: node.value, lowIn: true };
  }
}

function intersect(a: Interval, b: Interval): Interval {
  const [low, lowIn] =
    a.low > b.low ? [a.low, a.lowIn] : a.low < b.low ? [b.low, b.lowIn] : [a.low, a.lowIn && b.lowIn];
  const [high, highIn] =
    a.high < b.high ? [a.high, a.highIn] : a.high > b.high ? [b.high, b.highIn] : [a.high, a.highIn && b.highIn];
  return { low, lowIn, high, highIn };
}

const isEmpty = (i: Interval) => i.low > i.high || (i.low === i.high && !(i.lowIn && i.highIn));

/** Whether every number in `inner` is in `outer`. */
const contains = (outer: Interval, inner: Interval) =>
  isEmpty(inner) ||
  ((outer.low < inner.low || (outer.low === inner.low && (outer.lowIn || !inner.lowIn))) &&
    (outer.high > inner.high || (outer.high === inner.high && (outer.highIn || !inner.highIn))));

const inInterval = (i: Interval, n: number) =>
  (n > i.low || (n === i.low && i.lowIn)) && (n < i.high || (n === i.high && i.highIn));

/**
 * For a comparison of sessionRandom, whether it holds on every number in [0, 1) (true), on none
 * (false), or depends on the number drawn (undefined). Values of another type are PRS305's.
 */
export function randomOutcome(node: Comparison): boolean | undefined {
  if (node.attribute.kind !== "sessionRandom") return undefined;
  switch (node.kind) {
    case "lt":
    case "lte":
    case "gt":
    case "gte": {
      const holds = intersect(orderingInterval(node), unitInterval);
      if (isEmpty(holds)) return false;
      return contains(holds, unitInterval) ? true : undefined;
    }
    case "eq":
      if (typeof node.value !== "number") return undefined;
      return inInterval(unitInterval, node.value) ? undefined : false;
    case "ne":
      if (typeof node.value !== "number") return undefined;
      return inInterval(unitInterval, node.value) ? undefined : true;
    case "oneOf":
      if (!node.values.length || node.values.some((value) => typeof value !== "number")) return undefined;
      return node.values.some((value) => inInterval(unitInterval, value as number)) ? undefined : false;
    case "regexMatch":
      return undefined;
  }
}

/** Whether a comparison's outcome is the same on every evaluation: true, false, or undefined (it varies). */
export function comparisonOutcome(node: Comparison): boolean | undefined {
  return node.attribute.kind === "static" ? staticOutcome(node) : randomOutcome(node);
}

/**
 * Whether the classifier matches on every evaluation (true), on none (false), or cannot be told
 * (undefined). Sound under the runtime's three-valued logic: `all` is true only when every member
 * is, false when any member is; `any` the other way round; `not` swaps true and false.
 */
export function decide(node: ClassifierJson): boolean | undefined {
  if (!decided.has(node)) decided.set(node, decideNow(node));
  return decided.get(node);
}

/** Documents are not changed once checked: a node's outcome is worked out once. */
const decided = new WeakMap<ClassifierJson, boolean | undefined>();

function decideNow(node: ClassifierJson): boolean | undefined {
  switch (node.kind) {
    case "all": {
      const outcomes = node.of.map(decide);
      if (outcomes.includes(false)) return false;
      return outcomes.every((outcome) => outcome === true) ? true : undefined;
    }
    case "any": {
      const outcomes = node.of.map(decide);
      if (outcomes.includes(true)) return true;
      return outcomes.every((outcome) => outcome === false) ? false : undefined;
    }
    case "not": {
      const inner = decide(node.of);
      return inner === undefined ? undefined : !inner;
    }
    default:
      return comparisonOutcome(node);
  }
}

/** Two attributes read the same value within one evaluation (sessionRandom: the same salt). */
function sameAttribute(a: AttributeJson, b: AttributeJson): boolean {
  switch (a.kind) {
    case "sessionRandom":
      return b.kind === "sessionRandom" && (a.salt ?? "sessionRandom") === (b.salt ?? "sessionRandom");
    case "context":
      return b.kind === "context" && a.key === b.key && a.type === b.type;
    case "static":
      return b.kind === "static" && Object.is(a.value, b.value);
    default:
      return a.kind === b.kind;
  }
}

function sameClassifier(a: ClassifierJson, b: ClassifierJson): boolean {
  if (a.kind !== b.kind) return false;
  if (isComparison(a)) {
    if (!isComparison(b) || !sameAttribute(a.attribute, b.attribute)) return false;
    const { attribute: _a, ...restA } = a;
    const { attribute: _b, ...restB } = b;
    return JSON.stringify(normalFlags(restA)) === JSON.stringify(normalFlags(restB));
  }
  if (a.kind === "not") return sameClassifier(a.of, (b as typeof a).of);
  const others = (b as typeof a).of;
  return a.of.length === others.length && a.of.every((child, index) => sameClassifier(child, others[index]!));
}

const normalFlags = (rest: object) => ("pattern" in rest ? { flags: "", ...rest } : rest);

/**
 * Whether `earlier` matches on every evaluation on which `later` matches (`later` implies
 * `earlier`), as far as can be told cheaply; false means "cannot tell". A `later` that can never
 * match is not counted as implying anything, so that it is reported for what it is.
 */
export function implies(later: ClassifierJson, earlier: ClassifierJson, budget = { steps: 10_000 }): boolean {
  // Wide classifiers pair up quadratically: past the budget, the answer is "cannot tell".
  if (--budget.steps < 0) return false;
  if (decide(earlier) === true) return true;
  if (decide(later) === false) return false;
  if (sameClassifier(later, earlier)) return true;
  // later matches only when every member matches: one member implying earlier is enough.
  if (later.kind === "all" && later.of.some((member) => implies(member, earlier, budget))) return true;
  // later matches only when some member matches: each must imply earlier.
  if (later.kind === "any" && later.of.length && later.of.every((member) => implies(member, earlier, budget)))
    return true;
  // earlier matches when every member does.
  if (earlier.kind === "all" && earlier.of.every((member) => implies(later, member, budget))) return true;
  // earlier matches when some member does.
  if (earlier.kind === "any" && earlier.of.some((member) => implies(later, member, budget))) return true;
  return isComparison(later) && isComparison(earlier) && comparisonImplies(later, earlier);
}

/** For two comparisons of the same attribute: every value that satisfies `later` satisfies `earlier`. */
function comparisonImplies(later: Comparison, earlier: Comparison): boolean {
  if (!sameAttribute(later.attribute, earlier.attribute)) return false;
  const random = later.attribute.kind === "sessionRandom";
  const domain = random ? unitInterval : everyNumber;
  switch (later.kind) {
    case "eq":
    case "oneOf": {
      // A finite set of values: earlier must hold for each one the attribute can read.
      const values = ("values" in later ? later.values : [later.value]).filter(
        (value) => !random || (typeof value === "number" && inInterval(unitInterval, value)),
      );
      const type = typeof values[0];
      if (!values.length || values.some((value) => typeof value !== type)) return false;
      return values.every((value) => holdsFor(earlier, value) === true);
    }
    case "lt":
    case "lte":
    case "gt":
    case "gte": {
      const holds = intersect(orderingInterval(later), domain);
      if (isEmpty(holds)) return false;
      switch (earlier.kind) {
        case "lt":
        case "lte":
        case "gt":
        case "gte":
          return contains(orderingInterval(earlier), holds);
        case "ne":
          return typeof earlier.value === "number" && !inInterval(holds, earlier.value);
        default:
          return false;
      }
    }
    case "ne":
      return earlier.kind === "ne" && Object.is(earlier.value, later.value);
    case "regexMatch":
      return false;
  }
}
