import { experiment } from "prosper/define";

export const landing = experiment({
  name: "landing",
  variants: { control: { title: "Welcome" }, bold: { title: "WELCOME" } },
});
