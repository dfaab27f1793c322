import { experiment } from "prosper/define";

export const greeting = experiment({
  name: "greeting",
  variants: {
    control: { greeting: "Hello!" },
    friendly: { greeting: "Hi there!", emoji: "😊" },
  },
});
