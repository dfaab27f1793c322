import { experiment } from "prosper/define";

/** Explores 10% of new units, else serves the best mean so far. */
export const banner = experiment({
  name: "banner",
  algorithm: { kind: "epsilonGreedy", epsilon: 0.1 },
  variants: { control: { bannerText: "Sale" }, bold: { bannerText: "SALE!" } },
});

export const checkout = experiment({
  name: "checkout",
  algorithm: { kind: "ucb1" },
  variants: { control: { steps: 3 }, short: { steps: 2 }, single: { steps: 1 } },
});

export const onboarding = experiment({
  name: "onboarding",
  algorithm: { kind: "thompson" },
  variants: { control: { tour: false }, tour: { tour: true } },
});

/** Two experiments share one custom algorithm; a third names another. */
export const pricing = experiment({
  name: "pricing",
  algorithm: { kind: "custom", name: "softmax", parameters: { temperature: 0.2 } },
  variants: { control: { price: 10 }, higher: { price: 12 } },
});

export const shipping = experiment({
  name: "shipping",
  algorithm: { kind: "custom", name: "softmax" },
  variants: { control: { freeFrom: 50 }, lower: { freeFrom: 35 } },
});

export const layout = experiment({
  name: "layout",
  algorithm: { kind: "custom", name: "house-rule" },
  variants: { control: { columns: 1 }, wide: { columns: 2 } },
});
