import { feature, sessionRandom } from "prosper/define";

export const launch = feature({
  name: "launch-🚀",
  buckets: [{ name: "half", classifier: sessionRandom().lt(0.5), value: true }],
  default: false,
});
