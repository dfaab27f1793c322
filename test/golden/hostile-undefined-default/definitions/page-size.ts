import { contextString, feature } from "prosper/define";

// Defaults shared with the backend, pasted as JSON; its key is page_size, not pageSize.
const defaults: { pageSize: number } = JSON.parse('{ "page_size": 20 }');

export const pageSize = feature({
  name: "page-size",
  buckets: [{ name: "ios", classifier: contextString("platform").eq("ios"), value: 10 }],
  default: defaults.pageSize,
});
