import { experiment, feature, sessionRandom } from "prosper/define";

export const second = experiment({
  name: "banner",
  variants: { control: { bannerColor: "red" }, other: { bannerColor: "blue" } },
});

export const sameFlag = feature({ name: "flag", buckets: [{ name: "on", classifier: sessionRandom().lt(0.1), value: true }], default: false });
