import { contextBoolean, contextNumber, contextString, eq, feature, hostname, lt, oneOf, regexMatch, sessionRandom, type StringAttribute } from "prosper/define";

export const mixed = feature({
  name: "mixed",
  buckets: [
    { name: "host-number", classifier: eq(hostname(), 3), value: 1 },
    { name: "order-string", classifier: lt(hostname() as never, 1), value: 2 },
    { name: "none", classifier: oneOf(contextString("country"), []), value: 4 },
    { name: "bools", classifier: contextBoolean("staff").eq("yes" as never), value: 5 },
    { name: "regex-number", classifier: regexMatch(contextNumber("age") as unknown as StringAttribute, "^1"), value: 6 },
  ],
  default: 0,
});
