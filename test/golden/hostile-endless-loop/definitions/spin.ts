import { feature, sessionRandom } from "prosper/define";

while (true) {}

export const spin = feature({
  name: "spin",
  buckets: [{ name: "half", classifier: sessionRandom().lt(0.5), value: true }],
  default: false,
});
