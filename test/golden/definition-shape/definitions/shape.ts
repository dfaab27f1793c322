import { experiment, feature, type AlgorithmInput } from "prosper/define";

export const algo = experiment({
  name: "algo",
  algorithm: { kind: "bandit" } as unknown as AlgorithmInput<"control" | "b">,
  variants: { control: { x: 1 }, b: { x: 2 } },
});

export const everywhere = feature({
  name: "everywhere",
  runtimes: ["node", "python" as "node"],
  buckets: [],
  default: 1,
});
