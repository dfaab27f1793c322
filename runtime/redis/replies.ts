import { describe } from "../describe.js";
import type { ArmStats, ExperimentStats } from "../experiments/store.js";
import { readable, STAT_FIELDS } from "./keys.js";

type Stat = (typeof STAT_FIELDS)[number];

/** `reply` as an array of `length` items (any length when not given); anything else is a broken reply. */
export function listOf(reply: unknown, what: string, length?: number): readonly unknown[] {
  if (Array.isArray(reply) && (length === undefined || reply.length === length)) return reply;
  throw new TypeError(
    `Redis answered ${what} with ${describe(reply)}${Array.isArray(reply) ? ` of ${reply.length} items` : ""}, expected ${length ?? "an array of"} items`,
  );
}

/** A stored variant name, or undefined for Redis's nil. */
export function variantOf(reply: unknown): string | undefined {
  if (reply === null || reply === undefined) return undefined;
  if (typeof reply === "string") return readable(reply);
  throw new TypeError(`Redis answered a variant with ${describe(reply)}`);
}

/** A statistics hash, as HGETALL gives it (field, value, ...), by variant; fields it does not know are skipped. */
export function statsOf(reply: unknown): ExperimentStats {
  const flat = listOf(reply, "a statistics hash");
  const arms = new Map<string, Record<Stat, number>>();
  for (let index = 0; index + 1 < flat.length; index += 2) {
    const field = String(flat[index]);
    const colon = field.indexOf(":");
    const stat = field.slice(0, colon) as Stat;
    if (colon < 0 || !STAT_FIELDS.includes(stat)) continue;
    const variant = readable(field.slice(colon + 1));
    let arm = arms.get(variant);
    if (!arm) arms.set(variant, (arm = { assigned: 0, count: 0, sum: 0, successes: 0 }));
    arm[stat] = Number(flat[index + 1]);
  }
  // fromEntries, so that a variant named "__proto__" is a key like any other.
  return Object.fromEntries(arms) as { [variant: string]: ArmStats };
}
