import { feature, sessionRandom } from "prosper/define";

export const tsxFlag = feature({
  name: "tsx-flag",
  buckets: [{ name: "half", classifier: sessionRandom().lt(0.5), value: true }],
  default: false,
});
