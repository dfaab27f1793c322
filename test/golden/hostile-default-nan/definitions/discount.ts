import { contextString, feature } from "prosper/define";

export const discount = feature({
  name: "discount",
  buckets: [{ name: "nl", classifier: contextString("country").eq("NL"), value: 0.1 }],
  default: Number.NaN,
});
