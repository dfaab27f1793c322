import { experiment } from "prosper/define";

/** The checkout button: its words, its colour and when shipping becomes free change together. */
export const checkoutCta = experiment({
  name: "checkout-cta",
  description: "Checkout button copy, colour and free-shipping threshold.",
  variants: {
    control: { ctaLabel: "Checkout", ctaColor: "blue", freeShippingFrom: 50 },
    urgent: { ctaLabel: "Buy now", ctaColor: "red", freeShippingFrom: 50 },
    generous: { ctaLabel: "Checkout", ctaColor: "green", freeShippingFrom: 35 },
  },
});
