import {
  any,
  contextBoolean,
  contextNumber,
  contextString,
  eq,
  feature,
  gte,
  hostname,
  lt,
  ne,
  not,
  oneOf,
  regexMatch,
  runtimeVersion,
  sessionRandom,
  staticNumber,
  staticString,
} from "prosper/define";

const betaCountries = ["NL", "BE"];

export const darkMode = feature({
  name: "dark-mode",
  buckets: [
    { name: "staff", classifier: contextBoolean("staff").eq(true), value: "dark" },
    { name: "beta", classifier: any(oneOf(contextString("country"), betaCountries), regexMatch(hostname(), "^beta\\.", "i")), value: "auto" },
    { name: "not-ios", classifier: not(eq(contextString("platform"), "ios")).and(ne(contextString("country"), "US")), value: "light" },
  ],
  default: "light",
});

export const limits = feature({
  name: "limits",
  description: "Request limits per plan.",
  runtimes: ["node", "deno"],
  buckets: [
    { name: "big", classifier: gte(contextNumber("seats"), 100).or(contextString("plan").eq("enterprise")), value: { rps: 500, burst: 1000 } },
    { name: "canary", classifier: lt(sessionRandom("limits"), 0.05), value: { rps: 200, burst: 400 } },
    { name: "node-22", classifier: runtimeVersion().matches("^22\\."), value: { rps: 150, burst: 300 } },
    { name: "never", classifier: staticNumber(3).eq(0.9).and(staticString("a").oneOf(["b"])), value: { rps: 0, burst: 0 } },
  ],
  default: { rps: 100, burst: 200 },
});
