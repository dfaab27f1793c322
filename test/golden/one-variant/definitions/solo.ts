import { experiment } from "prosper/define";

export const solo = experiment({
  name: "solo",
  variants: { control: { greeting: "Hello!" } },
});
