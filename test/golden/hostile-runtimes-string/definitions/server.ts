import { feature, sessionRandom } from "prosper/define";

export const server = feature({
  name: "server-only",
  runtimes: "nodejs" as any,
  buckets: [{ name: "half", classifier: sessionRandom().lt(0.5), value: true }],
  default: false,
});
