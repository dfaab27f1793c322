import { contextBoolean, feature } from "prosper/define";

// The application would have to pass { __proto__: true }, which sets a prototype instead.
export const admins = feature({
  name: "admins",
  buckets: [{ name: "admin", classifier: contextBoolean("__proto__").eq(true), value: "full" }],
  default: "none",
});
