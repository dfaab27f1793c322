import { experiment } from "prosper/define";

// A symbol named like a member every JavaScript object inherits.
export const cta = experiment({
  name: "cta",
  variants: {
    control: { constructor: "Build your plan" },
    short: { constructor: "Build" },
  },
});
