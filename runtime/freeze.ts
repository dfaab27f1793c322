/** Deep-freezes values shared between evaluations, so that one caller cannot change another's. JSON has no cycles. */
export function freeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    Object.freeze(value);
    for (const inner of Object.values(value)) freeze(inner);
  }
  return value;
}
