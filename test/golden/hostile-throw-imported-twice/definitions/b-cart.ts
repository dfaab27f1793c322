import { feature } from "prosper/define";
import { owners } from "../support/owners.js";

export const cart = feature({ name: "cart", description: owners["cart"] ?? "cart team", buckets: [], default: 1 });

