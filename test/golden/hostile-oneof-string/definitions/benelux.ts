import { contextString, feature } from "prosper/define";

export const benelux = feature({
  name: "benelux",
  buckets: [{ name: "nl", classifier: contextString("country").oneOf("NL" as any), value: true }],
  default: false,
});
