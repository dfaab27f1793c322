import { contextString, type Classifier } from "prosper/define";

const plans = ["free", "pro", "enterprise"];

/** Users on `plan`; a plan that does not exist is a mistake. */
export function onPlan(plan: string): Classifier {
  if (!plans.includes(plan)) throw new Error(`unknown plan "${plan}"`);
  return contextString("plan").eq(plan);
}
