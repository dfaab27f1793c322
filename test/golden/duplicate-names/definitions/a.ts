import { experiment, feature, sessionRandom } from "prosper/define";

export const first = experiment({
  name: "banner",
  variants: { control: { bannerText: "A" }, other: { bannerText: "B" } },
});

export const flag = feature({ name: "Flag", buckets: [{ name: "on", classifier: sessionRandom().lt(0.5), value: true }], default: false });
