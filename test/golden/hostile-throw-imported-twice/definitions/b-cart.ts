import { feature } from "prosper/define";
import { owners } from "../support/owners.js";

// Not run: its import threw. Were it run, its NaN would be reported too.
export const cart = feature({ name: "cart", description: owners["cart"] ?? "cart team", buckets: [], default: Number.NaN });

