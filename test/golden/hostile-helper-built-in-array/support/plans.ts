import { contextString, feature } from "prosper/define";

/** One limit feature per plan: the definitions are built here, and exported elsewhere. */
export function planLimit(plan: string, limit: number) {
  return feature({
    name: `limit-${plan}`,
    buckets: [{ name: "beta", classifier: contextString("cohort").eq("beta"), value: limit * 2 }],
    default: limit,
  });
}
