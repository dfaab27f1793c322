import { feature, sessionRandom } from "prosper/define";

const owner: string = "";
if (!owner) throw new Error("every feature needs an owner: set `owner` in pricing.ts");

export const pricing = feature({
  name: "pricing",
  buckets: [{ name: "half", classifier: sessionRandom().lt(0.5), value: true }],
  default: false,
});
