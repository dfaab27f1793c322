import { feature, sessionRandom } from "prosper/define";

export const sharedFlag = feature({
  name: "shared-flag",
  buckets: [{ name: "half", classifier: sessionRandom().lt(0.5), value: true }],
  default: false,
});
