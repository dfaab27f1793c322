import { feature, sessionRandom } from "prosper/define";

export const exported = feature({
  name: "exported",
  buckets: [{ name: "half", classifier: sessionRandom().lt(0.5), value: true }],
  default: false,
});

const forgotten = feature({
  name: "forgotten",
  buckets: [],
  default: 0,
});
void forgotten;
