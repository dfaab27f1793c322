import { experiment } from "prosper/define";

export const uneven = experiment({
  name: "uneven",
  algorithm: { kind: "weighted", weights: { control: 1.5, b: 1, typo: 3 } },
  variants: { control: { n: 1 }, b: { n: 2 }, c: { n: 3 } },
});

export const zero = experiment({
  name: "zero",
  algorithm: { kind: "weighted", weights: { control: 0, b: 0 } },
  variants: { control: { m: 1 }, b: { m: 2 } },
});
