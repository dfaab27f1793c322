import { contextString, experiment, feature } from "prosper/define";

// Compiled after a-polluter.ts; nothing here should gain a "polluted" key.
export const victim = experiment({
  name: "victim",
  algorithm: { kind: "weighted", weights: { control: 1, other: 3 } },
  variants: { control: { settings: { size: 1 } }, other: { settings: { size: 2 } } },
});

export const victimFlag = feature({
  name: "victim-flag",
  buckets: [{ name: "nl", classifier: contextString("country").eq("NL"), value: { on: true } }],
  default: { on: false },
});
