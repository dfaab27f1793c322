import { feature, sessionRandom } from "prosper/define";

export const darkMode = feature({
  name: "dark mode",
  buckets: [{ name: "half", classifier: sessionRandom().lt(0.5), value: true }],
  default: false,
});
