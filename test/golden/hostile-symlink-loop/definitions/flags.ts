import { feature, sessionRandom } from "prosper/define";

export const flag = feature({
  name: "flag",
  buckets: [{ name: "half", classifier: sessionRandom().lt(0.5), value: true }],
  default: false,
});
