import { pyofFeature } from "prosper/define";
// PyOF's own file, imported as it is while a team moves to prosper one file at a time.
import holdoutFile from "./holdout.json" with { type: "json" };

export const holdout = pyofFeature(holdoutFile, { name: "pyof-holdout" });
