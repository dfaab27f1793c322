import { experiment } from "prosper/define";

export const cta = experiment({
  name: "cta",
  variants: {
    control: { label: "Buy", size: 14, style: { color: "blue", bold: false } },
    big: { label: "Buy", size: "large", style: { color: "blue" } },
  },
});
