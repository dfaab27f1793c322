import { feature, sessionRandom } from "prosper/define";

export const timeout = feature({
  name: "timeout",
  buckets: [
    { name: "slow", classifier: sessionRandom().lt(0.1), value: "30s" },
    { name: "shape", classifier: sessionRandom().lt(0.2), value: { ms: 100 } },
  ],
  default: 1000,
});
