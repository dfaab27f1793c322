import { feature, sessionRandom } from "prosper/define";
import { owners } from "../support/owners.js";

export const search = feature({
  name: "search",
  description: owners["search"] ?? "search team",
  buckets: [{ name: "half", classifier: sessionRandom().lt(0.5), value: true }],
  default: false,
});
