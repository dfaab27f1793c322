import { experiment } from "prosper/define";

export const header = experiment({
  name: "header",
  variants: { control: { title: "Shop", logo: "small" }, big: { title: "Shop", logo: "large" } },
});
