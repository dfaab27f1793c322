import { contextNumber, experiment, feature } from "prosper/define";

// Four numbers JSON cannot hold, in four places.
export const quota = experiment({
  name: "quota",
  variants: { control: { quota: 100 }, unlimited: { quota: 1e400 } },
});

export const score = feature({
  name: "score",
  buckets: [
    { name: "any-score", classifier: contextNumber("score").gt(-1e400), value: { ratio: 0 / 0 } },
  ],
  default: { ratio: Infinity },
});
