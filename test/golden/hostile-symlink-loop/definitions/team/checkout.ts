import { feature, sessionRandom } from "prosper/define";

export const checkout = feature({
  name: "team-checkout",
  buckets: [{ name: "half", classifier: sessionRandom().lt(0.5), value: true }],
  default: false,
});
