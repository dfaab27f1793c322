import { pyofFeature } from "prosper/define";
import brokenFile from "./broken.json" with { type: "json" };

export const broken = pyofFeature(brokenFile, { name: "broken" });
