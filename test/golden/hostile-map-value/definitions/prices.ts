import { experiment } from "prosper/define";

const prices = new Map([
  ["NL", 9.99],
  ["US", 10.99],
]);

export const pricing = experiment({
  name: "pricing",
  variants: {
    // A Map is not a record: the cast gets it past the type checker.
    control: { prices: prices as unknown as { NL: number; US: number } },
    cheaper: { prices: { NL: 8.99, US: 9.99 } },
  },
});
