import { contextString, feature, hostname, pyofFeature, sessionRandom } from "prosper/define";
import holdoutFile from "./holdout.json" with { type: "json" };

// Read from PyOF, written back to PyOF as PyOF wrote it.
export const holdout = pyofFeature(holdoutFile, { name: "holdout" });

// prosper's own, within what PyOF can say: written as PyOF's file too.
export const canary = feature({
  name: "canary",
  buckets: [{ name: "early", classifier: sessionRandom().lt(0.05).and(hostname().matches("^web")), value: 1.5 }],
  default: 0,
});

// Reads the context, which PyOF cannot: left out of PyOF's files, and said so.
export const byCountry = feature({
  name: "by-country",
  buckets: [{ name: "nl", classifier: contextString("country").eq("NL"), value: true }],
  default: false,
});
