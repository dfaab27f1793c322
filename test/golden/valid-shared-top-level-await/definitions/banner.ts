import { feature, sessionRandom } from "prosper/define";
import { defaults, loads } from "../support/remote.js";

export const banner = feature({
  name: "banner",
  buckets: [{ name: "half", classifier: sessionRandom().lt(0.5), value: defaults.banner }],
  default: `none-${loads}`,
});
