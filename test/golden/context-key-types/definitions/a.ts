import { contextNumber, contextString, feature } from "prosper/define";

export const byVersion = feature({
  name: "by-version",
  buckets: [{ name: "new", classifier: contextString("appVersion").matches("^2\\."), value: true }],
  default: false,
});

export const byBuild = feature({
  name: "by-build",
  buckets: [{ name: "new", classifier: contextNumber("appVersion").gte(200), value: true }],
  default: false,
});

export const byUnit = feature({
  name: "by-unit",
  buckets: [{ name: "low", classifier: contextNumber("unitId").lt(100), value: true }],
  default: false,
});
