import { feature, sessionRandom } from "prosper/define";

export const current = feature({
  name: "current",
  buckets: [{ name: "half", classifier: sessionRandom().lt(0.5), value: true }],
  default: false,
});
