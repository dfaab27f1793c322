import { experiment } from "prosper/define";

// "Always treatment", written as an infinite weight.
export const always = experiment({
  name: "always",
  algorithm: { kind: "weighted", weights: { control: 1, treatment: Infinity } },
  variants: { control: { cta: "Buy" }, treatment: { cta: "Buy now" } },
});
