import { feature, sessionRandom } from "prosper/define";

// A NUL in a file name: C-based file APIs would cut the name at it.
export const beta = feature({
  name: "beta\u0000.json",
  buckets: [{ name: "half", classifier: sessionRandom().lt(0.5), value: true }],
  default: false,
});
