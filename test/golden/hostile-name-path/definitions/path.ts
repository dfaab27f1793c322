import { feature, sessionRandom } from "prosper/define";

// The name becomes generated/features/<name>.json: this one walks out of generated/.
export const escape = feature({
  name: "../../../tmp/prosper-pwned",
  buckets: [{ name: "half", classifier: sessionRandom().lt(0.5), value: true }],
  default: false,
});
