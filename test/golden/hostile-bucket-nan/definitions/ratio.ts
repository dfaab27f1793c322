import { contextString, feature } from "prosper/define";

export const ratio = feature({
  name: "ratio",
  buckets: [{ name: "empty-cart", classifier: contextString("cart").eq(""), value: 0 / 0 }],
  default: 1,
});
