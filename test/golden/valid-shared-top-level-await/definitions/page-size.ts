import { contextString, feature } from "prosper/define";
import { defaults, loads } from "../support/remote.js";

const local = await Promise.resolve(defaults.pageSize * 2);

export const pageSize = feature({
  name: "page-size",
  buckets: [{ name: "ios", classifier: contextString("platform").eq("ios"), value: local }],
  default: defaults.pageSize + loads - 1,
});
