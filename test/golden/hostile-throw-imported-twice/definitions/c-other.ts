import { feature } from "prosper/define";

// A file that does not import the failed module still runs, and is checked.
export const other = feature({ name: "other", buckets: [], default: Number.NaN });
