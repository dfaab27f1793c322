import { experiment } from "prosper/define";

const price = {
  get monthly(): number {
    throw new Error("prices are not loaded yet");
  },
};

export const plans = experiment({
  name: "plans",
  variants: { control: { price }, cheaper: { price: { monthly: 5 } } },
});
