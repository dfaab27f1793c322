import { contextString, feature } from "prosper/define";

// A bucket named like a member every JavaScript object inherits.
export const labels = feature({
  name: "labels",
  buckets: [
    { name: "toString", classifier: contextString("locale").eq("en"), value: "Label" },
    { name: "valueOf", classifier: contextString("locale").eq("nl"), value: "Etiket" },
  ],
  default: "label",
});
