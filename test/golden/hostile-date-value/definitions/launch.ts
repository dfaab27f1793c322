import { experiment } from "prosper/define";

export const launch = experiment({
  name: "launch",
  variants: {
    control: { launchedAt: new Date() },
    early: { launchedAt: new Date("2024-05-01") },
  },
});
