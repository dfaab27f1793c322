// A definition from before the move to TypeScript, never converted.
import { feature, sessionRandom } from "prosper/define";

export const legacy = feature({
  name: "legacy",
  buckets: [{ name: "half", classifier: sessionRandom().lt(0.5), value: true }],
  default: false,
});
