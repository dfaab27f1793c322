import { feature, sessionRandom } from "prosper/define";

export const mtsFlag = feature({
  name: "mts-flag",
  buckets: [{ name: "half", classifier: sessionRandom().lt(0.5), value: true }],
  default: false,
});
