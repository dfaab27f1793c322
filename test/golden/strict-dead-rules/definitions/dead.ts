import { all, contextString, feature, hostname, sessionRandom, staticNumber } from "prosper/define";

// PRS308: a bucket after one that always matches, and one after a wider draw of the same salt.
export const shadowed = feature({
  name: "shadowed",
  buckets: [
    { name: "wide", classifier: sessionRandom("rollout").lt(0.2), value: "wide" },
    { name: "narrow", classifier: sessionRandom("rollout").lt(0.1), value: "narrow" },
    { name: "other-salt", classifier: sessionRandom("other").lt(0.1), value: "other" },
    { name: "everyone", classifier: all(), value: "everyone" },
    { name: "after-everyone", classifier: contextString("country").eq("NL"), value: "nl" },
  ],
  default: "none",
});

// PRS309: comparisons that never or always hold.
export const decided = feature({
  name: "decided",
  buckets: [
    { name: "never", classifier: sessionRandom().lt(0), value: 1 },
    { name: "half-never", classifier: sessionRandom().oneOf([0.5, 1.5]), value: 2 },
    { name: "everyone", classifier: sessionRandom().gte(0), value: 3 },
    { name: "constants", classifier: staticNumber(3).gt(0.9), value: 4 },
  ],
  default: 0,
});

// PRS310: a oneOf listing a value twice.
export const countries = feature({
  name: "countries",
  buckets: [{ name: "benelux", classifier: contextString("country").oneOf(["NL", "BE", "LU", "NL"]), value: true }],
  default: false,
});

// PRS311: every bucket gives the default's value.
export const pointless = feature({
  name: "pointless",
  buckets: [
    { name: "beta", classifier: contextString("plan").eq("beta"), value: { size: 10, tags: ["a"] } },
    { name: "pro", classifier: contextString("plan").eq("pro"), value: { tags: ["a"], size: 10 } },
  ],
  default: { size: 10, tags: ["a"] },
});

// None of these is dead: no warning.
export const alive = feature({
  name: "alive",
  buckets: [
    { name: "narrow", classifier: sessionRandom("rollout").lt(0.1), value: "narrow" },
    { name: "wide", classifier: sessionRandom("rollout").lt(0.2), value: "wide" },
    { name: "nl", classifier: contextString("country").eq("NL").and(sessionRandom().gte(0.5)), value: "nl" },
    { name: "nl-any", classifier: contextString("country").eq("NL"), value: "nl-any" },
    { name: "zero", classifier: sessionRandom().eq(0), value: "zero" },
    { name: "edge", classifier: sessionRandom().lt(0.999999), value: "edge" },
    { name: "host", classifier: hostname().matches("^web-"), value: "host" },
    { name: "host-nl", classifier: hostname().matches("^web-").or(contextString("country").eq("NL")), value: "host-nl" },
  ],
  default: "none",
});
