// Renamed from flags.ts to flags.cts without changing the module syntax.
import { feature, sessionRandom } from "prosper/define";

export const ctsFlag = feature({
  name: "cts-flag",
  buckets: [{ name: "half", classifier: sessionRandom().lt(0.5), value: true }],
  default: false,
});
