import { feature, sessionRandom } from "prosper/define";

// Fibonacci page sizes, but the base case was forgotten.
const fibonacci = (n: number): number => fibonacci(n - 1) + fibonacci(n - 2);

export const sizes = feature({
  name: "page-sizes",
  buckets: [{ name: "big", classifier: sessionRandom().lt(0.5), value: fibonacci(10) }],
  default: 8,
});
