import type { AttributeJson, ClassifierJson, Scalar } from "prosper-runtime";
import { expect, test } from "vitest";
import { decide, implies } from "../../compiler/stages/check/classifier-logic.js";
import { compileClassifier, type EvaluationContext } from "../../runtime/features/compile-classifier.js";

/**
 * The dead-rule checks (PRS308, PRS309) must be sound: what they claim about a classifier holds
 * on every evaluation. Random classifiers are evaluated by the runtime itself on many contexts
 * and draws, and every claim is checked against what it gives.
 */

// A small generator with a fixed seed, so that a failure can be replayed.
let seed = 12345;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const numbers = [-1, -0, 0, 0.1, 0.2, 0.5, 0.999, 1, 1.5, 3];
const strings = ["NL", "BE", "a"];
const attributes: readonly AttributeJson[] = [
  { kind: "sessionRandom" },
  { kind: "sessionRandom", salt: "x" },
  { kind: "context", key: "n", type: "number" },
  { kind: "context", key: "s", type: "string" },
  { kind: "static", value: 0.5 },
  { kind: "static", value: "NL" },
];

function comparison(): ClassifierJson {
  const attribute = pick(attributes);
  const isString =
    (attribute.kind === "context" && attribute.type === "string") ||
    (attribute.kind === "static" && typeof attribute.value === "string");
  const value = (): Scalar => (isString ? pick(strings) : pick(numbers));
  if (isString) {
    const kind = pick(["eq", "ne", "oneOf", "regexMatch"] as const);
    if (kind === "oneOf") return { kind, attribute, values: [value(), value()] };
    if (kind === "regexMatch") return { kind, attribute, pattern: pick(["^N", "a", "L$"]) };
    return { kind, attribute, value: value() };
  }
  const kind = pick(["lt", "lte", "gt", "gte", "eq", "ne", "oneOf"] as const);
  return kind === "oneOf"
    ? { kind, attribute, values: [value(), value()] }
    : { kind, attribute, value: value() as number };
}

function classifier(depth: number): ClassifierJson {
  const roll = random();
  if (depth <= 0 || roll < 0.5) return comparison();
  if (roll < 0.7)
    return { kind: "all", of: Array.from({ length: Math.floor(random() * 3) }, () => classifier(depth - 1)) };
  if (roll < 0.9)
    return { kind: "any", of: Array.from({ length: Math.floor(random() * 3) }, () => classifier(depth - 1)) };
  return { kind: "not", of: classifier(depth - 1) };
}

const contexts: EvaluationContext[] = [
  {},
  { n: 0 },
  { n: 0.2 },
  { n: 1 },
  { n: -5 },
  { s: "NL" },
  { s: "BE" },
  { n: 3, s: "a" },
];
const draws = [0, 0.05, 0.1, 0.15, 0.2, 0.5, 0.9999, 0.99999999];
const unitIds = [undefined, "u1", "u2", "u3", "u4", "u5"];

/** Whether it matched, on every context, draw and unit id (true only when the runtime said true). */
function outcomes(json: ClassifierJson): boolean[] {
  const results: boolean[] = [];
  for (const sessionRandom of draws) {
    const compiled = compileClassifier(json, { runtime: "node", hostname: "h", sessionRandom });
    for (const context of contexts)
      for (const unitId of unitIds) {
        const full = unitId === undefined ? context : { ...context, unitId };
        results.push((typeof compiled === "boolean" ? compiled : compiled(full)) === true);
      }
  }
  return results;
}

test("decide and implies never claim what an evaluation contradicts", () => {
  let claims = 0;
  // Claims that take more than "the same classifier" or "the earlier one always matches".
  let shown = 0;
  for (let round = 0; round < 6000; round++) {
    const earlier = classifier(round % 2 ? 3 : 0);
    const roll = random();
    const later =
      roll < 0.1
        ? earlier
        : roll < 0.3
          ? { kind: "all" as const, of: [classifier(1), earlier] }
          : roll < 0.4
            ? { kind: "any" as const, of: [comparison(), comparison()] }
            : classifier(round % 2 ? 3 : 0);
    const a = outcomes(earlier);
    const b = outcomes(later);
    const decided = decide(earlier);
    if (decided === true) expect(a.every(Boolean), JSON.stringify(earlier)).toBe(true);
    if (decided === false) expect(a.some(Boolean), JSON.stringify(earlier)).toBe(false);
    if (implies(later, earlier)) {
      claims++;
      if (later !== earlier && decide(earlier) !== true) shown++;
      const counter = b.findIndex((matched, index) => matched && !a[index]);
      expect(counter, `${JSON.stringify(later)} does not imply ${JSON.stringify(earlier)}`).toBe(-1);
    }
  }
  // The generator is useful only if it makes claims to check.
  expect(claims).toBeGreaterThan(300);
  expect(shown).toBeGreaterThan(300);
});

test("the cases the rules are for", () => {
  const random = (kind: "lt" | "gte", value: number, salt?: string): ClassifierJson => ({
    kind,
    attribute: salt === undefined ? { kind: "sessionRandom" } : { kind: "sessionRandom", salt },
    value,
  });
  expect(implies(random("lt", 0.1, "s"), random("lt", 0.2, "s"))).toBe(true);
  expect(implies(random("lt", 0.2, "s"), random("lt", 0.1, "s"))).toBe(false);
  expect(implies(random("lt", 0.1, "s"), random("lt", 0.2, "t"))).toBe(false);
  expect(implies(random("lt", 0.1), random("lt", 0.2, "sessionRandom"))).toBe(true);
  expect(decide(random("lt", 1))).toBe(true);
  expect(decide(random("gte", 0))).toBe(true);
  expect(decide(random("lt", 0))).toBe(false);
  expect(decide(random("gte", 1))).toBe(false);
  expect(decide(random("lt", 0.999999))).toBe(undefined);
  expect(decide({ kind: "all", of: [] })).toBe(true);
  expect(decide({ kind: "any", of: [] })).toBe(false);
});
