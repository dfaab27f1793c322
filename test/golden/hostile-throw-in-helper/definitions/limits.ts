import { feature } from "prosper/define";
import { onPlan } from "../support/plans.js";

export const limits = feature({
  name: "limits",
  buckets: [
    { name: "pro", classifier: onPlan("pro"), value: 100 },
    { name: "team", classifier: onPlan("team"), value: 500 },
  ],
  default: 10,
});
