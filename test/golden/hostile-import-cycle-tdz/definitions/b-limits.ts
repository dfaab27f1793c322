import { feature } from "prosper/define";
import { plans } from "./a-plans.js";

export const defaultLimit = 10;

// a-plans.ts imports this file first, so `plans` is read before a-plans.ts has set it: node throws.
export const planCount = feature({ name: "plan-count", buckets: [], default: plans.length });
