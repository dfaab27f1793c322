import { experiment } from "prosper/define";
import type { JsonValue } from "prosper-runtime";

// 10,000 levels of arrays, built by a loop: ["leaf"] inside [ ] inside [ ] ...
let nested: JsonValue = "leaf";
for (let i = 0; i < 10_000; i++) nested = [nested];

export const deep = experiment({
  name: "deep-loop",
  variants: { control: { nested }, flat: { nested: null } },
});
