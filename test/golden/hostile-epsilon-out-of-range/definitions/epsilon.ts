import { experiment } from "prosper/define";

// epsilon 0 never explores, so it could never learn that another variant is better.
export const never = experiment({
  name: "never",
  algorithm: { kind: "epsilonGreedy", epsilon: 0 },
  variants: { control: { a: 1 }, other: { a: 2 } },
});

export const percent = experiment({
  name: "percent",
  algorithm: { kind: "epsilonGreedy", epsilon: 10 },
  variants: { control: { b: 1 }, other: { b: 2 } },
});

export const computed = experiment({
  name: "computed",
  algorithm: { kind: "epsilonGreedy", epsilon: Number("ten percent") },
  variants: { control: { c: 1 }, other: { c: 2 } },
});
