import { contextString, feature } from "prosper/define";
import { defaultLimit } from "./b-limits.js";

export const plans = ["free", "team"] as const;

export const planLimit = feature({
  name: "plan-limit",
  buckets: [{ name: "team", classifier: contextString("plan").eq("team"), value: 500 }],
  default: defaultLimit,
});
