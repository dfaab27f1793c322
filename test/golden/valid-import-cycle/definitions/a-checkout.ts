import { contextString, feature } from "prosper/define";
import { onPlan } from "./b-plans.js";

// A function declaration: set before any module runs, so b-plans.ts, which runs first, can call it.
export function isMobile() {
  return contextString("platform").eq("ios");
}

export const checkout = feature({
  name: "checkout-v2",
  buckets: [{ name: "team", classifier: onPlan("team"), value: true }],
  default: false,
});
