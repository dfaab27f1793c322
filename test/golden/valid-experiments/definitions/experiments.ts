import { experiment } from "prosper/define";

const copy = { headline: "Welcome back" } as const;

export const onboarding = experiment({
  name: "onboarding",
  description: "Onboarding tour: length and tone.",
  salt: "onboarding-2026-11",
  variants: {
    control: { tourSteps: 5, tone: "neutral", headline: copy.headline, layout: { columns: 2, dense: false } },
    short: { tourSteps: 3, tone: "neutral", headline: `${copy.headline}!`, layout: { columns: 1, dense: true } },
  },
});

export const pricing = experiment({
  name: "pricing.page",
  algorithm: { kind: "weighted", weights: { control: 8, annualFirst: 1, "no-trial": 1 } },
  variants: {
    control: { planOrder: ["monthly", "annual"], trialDays: 14, banner: null as string | null },
    annualFirst: { planOrder: ["annual", "monthly"], trialDays: 14, banner: "Save 20%" },
    "no-trial": { planOrder: ["monthly", "annual"], trialDays: 0, banner: null },
  },
});
