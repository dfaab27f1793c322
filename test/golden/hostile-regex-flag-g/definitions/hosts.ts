import { feature, hostname } from "prosper/define";

export const hosts = feature({
  name: "hosts",
  buckets: [{ name: "match", classifier: hostname().matches("^beta\\.", "g"), value: true }],
  default: false,
});
