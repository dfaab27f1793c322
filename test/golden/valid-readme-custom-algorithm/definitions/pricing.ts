// definitions/pricing.ts
import { experiment } from "prosper/define";

export const pricing = experiment({
  name: "pricing",
  algorithm: { kind: "custom", name: "softmax", parameters: { temperature: 0.1 } },
  variants: { control: { price: 10 }, higher: { price: 12 }, lower: { price: 9 } },
});
