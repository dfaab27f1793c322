import { experiment } from "prosper/define";

// A "no badge" marker, passed off as a string.
const NO_BADGE = Symbol("no badge") as unknown as string;

export const badge = experiment({
  name: "badge",
  variants: { control: { badge: NO_BADGE }, fresh: { badge: "new" } },
});
