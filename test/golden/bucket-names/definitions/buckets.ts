import { feature, hostname, sessionRandom } from "prosper/define";

export const rollout = feature({
  name: "rollout",
  buckets: [
    { name: "early", classifier: sessionRandom().lt(0.1), value: true },
    { name: "early", classifier: hostname().matches("^canary"), value: true },
    { name: "default", classifier: sessionRandom().lt(0.5), value: false },
  ],
  default: false,
});
