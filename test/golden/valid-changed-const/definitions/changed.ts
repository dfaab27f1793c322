import { contextString, experiment, feature } from "prosper/define";

const countries = ["NL"];
countries.push("BE");

export const rollout = feature({
  name: "rollout",
  buckets: [{ name: "benelux", classifier: contextString("country").oneOf(countries), value: true }],
  default: false,
});

const weights = { control: 1, other: 1 };
weights.other = 0;

export const split = experiment({
  name: "split",
  algorithm: { kind: "weighted", weights },
  variants: { control: { n: 1 }, other: { n: 2 } },
});
