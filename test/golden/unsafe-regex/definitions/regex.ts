import { feature, hostname } from "prosper/define";

export const hosts = feature({
  name: "hosts",
  buckets: [
    { name: "slow", classifier: hostname().matches("^(a+)+$"), value: 2 },
    { name: "fine", classifier: hostname().matches("^(web|api)-\\d+$"), value: 4 },
    { name: "overlap", classifier: hostname().matches("^(\\w|\\d)+$"), value: 5 },
    // The old hand-written check let this hostname pattern through: 4 s on 31 characters, doubling with each one more.
    { name: "hostname", classifier: hostname().matches("^([a-z0-9]+\\.?){1,127}[a-z]{2,63}$"), value: 7 },
    { name: "ip", classifier: hostname().matches("^\\d{1,3}(\\.\\d{1,3}){3}$"), value: 6 },
  ],
  default: 0,
});
