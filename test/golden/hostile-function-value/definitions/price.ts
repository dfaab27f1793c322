import { experiment } from "prosper/define";

export const price = experiment({
  name: "price-format",
  variants: {
    control: { formatPrice: (cents: number) => `$${(cents / 100).toFixed(2)}` },
    euro: { formatPrice: (cents: number) => `€${(cents / 100).toFixed(2)}` },
  },
});
