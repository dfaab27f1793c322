import { experiment } from "prosper/define";

export const unnamed = experiment({
  name: "",
  variants: { control: { cta: "Buy" }, bold: { cta: "BUY" } },
});
