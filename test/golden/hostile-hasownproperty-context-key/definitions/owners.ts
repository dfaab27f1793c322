import { contextBoolean, contextString, feature } from "prosper/define";

// A context key named like a member every JavaScript object inherits.
export const owners = feature({
  name: "owners",
  buckets: [
    { name: "own", classifier: contextString("hasOwnProperty").eq("yes"), value: 1 },
    { name: "plain", classifier: contextBoolean("staff").eq(true), value: 2 },
  ],
  default: 0,
});
