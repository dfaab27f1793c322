import { feature, hostname, regexMatch } from "prosper/define";

export const hosts = feature({
  name: "hosts",
  buckets: [
    { name: "broken", classifier: regexMatch(hostname(), "^len(.+"), value: 1 },
    { name: "sticky", classifier: hostname().matches("^web", "g" as "i"), value: 3 },
    { name: "fine", classifier: hostname().matches("^(web|api)-\\d+$"), value: 4 },
  ],
  default: 0,
});
