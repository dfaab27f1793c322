import { feature, hostname } from "prosper/define";

// On a hostname like aaaaaaaaaaaaaaaaaaaaaaaaaaaaab, this backtracks for ages.
export const hosts = feature({
  name: "hosts",
  buckets: [{ name: "match", classifier: hostname().matches("^(a+)+$"), value: true }],
  default: false,
});
