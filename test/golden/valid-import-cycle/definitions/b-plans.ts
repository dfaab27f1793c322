import { contextString, feature } from "prosper/define";
import { isMobile } from "./a-checkout.js";

// The two files import each other. This one runs first (a-checkout.ts imports it), so it calls
// only what a-checkout.ts declares as a function.
export function onPlan(plan: string) {
  return contextString("plan").eq(plan);
}

export const mobilePlans = feature({
  name: "mobile-plans",
  buckets: [{ name: "mobile", classifier: isMobile(), value: "compact" }],
  default: "full",
});
