import { experiment } from "prosper/define";

export const steps = experiment({
  name: "steps",
  variants: { control: { steps: [1, , 3] }, short: { steps: [1, 3] } },
});
