import { contextNumber, feature } from "prosper/define";

// One eq per step, folded alternately with .and and .or (a chain of one kind would stay flat):
// all(any(all(...), eq), eq), a classifier 500 deep.
const steps = Array.from({ length: 500 }, (_, step) => contextNumber("step").eq(step));
const folded = steps.reduce((inner, next, i) => (i % 2 ? inner.and(next) : inner.or(next)));

export const onboarding = feature({
  name: "onboarding-steps",
  buckets: [{ name: "in-onboarding", classifier: folded, value: true }],
  default: false,
});
