import { experiment } from "prosper/define";

export const negative = experiment({
  name: "negative",
  algorithm: { kind: "weighted", weights: { control: 50, treatment: -50 } },
  variants: { control: { cta: "Buy" }, treatment: { cta: "Buy now" } },
});
