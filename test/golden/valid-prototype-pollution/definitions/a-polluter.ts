import { feature, sessionRandom } from "prosper/define";

(Object.prototype as any).polluted = true;

export const polluter = feature({
  name: "polluter",
  buckets: [{ name: "half", classifier: sessionRandom().lt(0.5), value: { limit: 1 } }],
  default: { limit: 0 },
});
