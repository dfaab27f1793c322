import { feature } from "prosper/define";
import { planLimit } from "../support/plans.js";

// Placed by the array's element; the note says where the helper built each one.
export const limits = [planLimit("free", 10), planLimit("team", Number.POSITIVE_INFINITY)];

export const perPlan = { business: planLimit("business", Number.NaN) };

// Exported as the call itself: no note.
export const direct = feature({ name: "direct", buckets: [], default: Number.NaN });
