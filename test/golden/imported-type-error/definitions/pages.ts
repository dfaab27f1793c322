import { feature, sessionRandom } from "prosper/define";
import { pageSize } from "../support/values.js";

export const pages = feature({
  name: "pages",
  buckets: [{ name: "big", classifier: sessionRandom().lt(0.5), value: pageSize }],
  default: 10,
});
