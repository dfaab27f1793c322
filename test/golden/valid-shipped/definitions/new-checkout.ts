import { contextBoolean, contextNumber, contextString, feature, sessionRandom } from "prosper/define";

/** A staged rollout: staff first, then a quarter of users in the Benelux, then everyone else waits. */
export const newCheckout = feature({
  name: "new-checkout",
  description: "The redesigned checkout flow.",
  buckets: [
    { name: "staff", classifier: contextBoolean("staff").eq(true), value: true },
    {
      name: "benelux-rollout",
      classifier: contextString("country").oneOf(["NL", "BE", "LU"]).and(sessionRandom("new-checkout").lt(0.25)),
      value: true,
    },
  ],
  default: false,
});

/** Page size for search results: a config value, not just on/off. Mobile apps get fewer. */
export const searchPageSize = feature({
  name: "search-page-size",
  description: "How many results a search page shows.",
  buckets: [
    { name: "mobile", classifier: contextString("platform").oneOf(["ios", "android"]), value: 10 },
    { name: "power-users", classifier: contextNumber("searchesLastWeek").gte(50), value: 50 },
  ],
  default: 20,
});
