import { feature, sessionRandom } from "prosper/define";

// -1e400 is -Infinity: sessionRandom() is never below it, and JSON cannot hold it.
export const never = feature({
  name: "never",
  buckets: [{ name: "none", classifier: sessionRandom().lt(-1e400), value: true }],
  default: false,
});
