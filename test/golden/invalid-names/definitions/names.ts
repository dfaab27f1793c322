import { experiment, feature, sessionRandom } from "prosper/define";

export const spaced = experiment({
  name: "my experiment",
  variants: { control: { "": 1 }, " ": { "": 2 } },
});

export const slashed = feature({
  name: "../escape",
  buckets: [{ name: " ", classifier: sessionRandom().lt(0.5), value: 1 }],
  default: 0,
});

export const numbered = experiment({
  name: "numbered",
  variants: { control: { m: 1 }, "2": { m: 2 } },
});
