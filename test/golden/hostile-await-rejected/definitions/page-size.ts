import { contextString, feature } from "prosper/define";

async function loadRemoteDefaults(): Promise<{ pageSize: number }> {
  return Promise.reject("remote config: timed out after 5 s");
}

const remote = await loadRemoteDefaults();

export const pageSize = feature({
  name: "page-size",
  buckets: [{ name: "ios", classifier: contextString("platform").eq("ios"), value: 10 }],
  default: remote.pageSize,
});
