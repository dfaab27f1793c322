import { feature, hostname } from "prosper/define";

export const stagingBanner = feature({
  name: "staging-banner",
  buckets: [
    { name: "staging", classifier: hostname().matches("^staging[.example.com"), value: true },
  ],
  default: false,
});
