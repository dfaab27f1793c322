import { experiment } from "prosper/define";

// Number("50%") is NaN, and JSON.stringify writes NaN as null.
export const share = experiment({
  name: "share",
  algorithm: { kind: "weighted", weights: { control: 50, treatment: Number("50%") } },
  variants: { control: { cta: "Buy" }, treatment: { cta: "Buy now" } },
});
