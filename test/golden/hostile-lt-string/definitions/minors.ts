import { contextNumber, feature } from "prosper/define";

export const minors = feature({
  name: "minors",
  buckets: [{ name: "minor", classifier: contextNumber("age").lt("10" as any), value: true }],
  default: false,
});
