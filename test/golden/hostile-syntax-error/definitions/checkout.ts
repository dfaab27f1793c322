import { feature, sessionRandom } from "prosper/define";

export const checkout = feature({
  name: "new-checkout",
  buckets: [
    { name: "beta", classifier: sessionRandom().lt(0.1) value: true },
  ],
  default: false,
});
