import { feature, sessionRandom } from "prosper/define";

// A cache that is never trimmed, filled forever.
const cache: string[] = [];
for (let i = 0; ; i++) cache.push(`entry ${i} `.repeat(10_000));

export const hoard = feature({
  name: "hoard",
  buckets: [{ name: "half", classifier: sessionRandom().lt(0.5), value: true }],
  default: false,
});
