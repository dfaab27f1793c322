import { feature, sessionRandom } from "prosper/define";

// One dead rule is enough to show --strict failing the compile; valid-dead-rules has every kind.
export const rollout = feature({
  name: "rollout",
  buckets: [
    { name: "everyone", classifier: sessionRandom().gte(0), value: true },
    { name: "never-reached", classifier: sessionRandom().lt(0.5), value: true },
  ],
  default: false,
});
