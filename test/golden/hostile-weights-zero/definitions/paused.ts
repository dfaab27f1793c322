import { experiment } from "prosper/define";

// Paused by zeroing every weight.
export const paused = experiment({
  name: "paused",
  algorithm: { kind: "weighted", weights: { control: 0, treatment: 0 } },
  variants: { control: { cta: "Buy" }, treatment: { cta: "Buy now" } },
});
