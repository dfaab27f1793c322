import { experiment } from "prosper/define";

export const bandit = experiment({
  name: "bandit",
  algorithm: { kind: "epsilon-greedy", epsilon: 0.1 } as any,
  variants: { control: { cta: "Buy" }, bold: { cta: "BUY" } },
});
