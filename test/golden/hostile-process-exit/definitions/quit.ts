import { feature, sessionRandom } from "prosper/define";

// Definitions are typed without Node's types, hence the cast.
(globalThis as any).process.exit(0);

export const quit = feature({
  name: "quit",
  buckets: [{ name: "half", classifier: sessionRandom().lt(0.5), value: true }],
  default: false,
});
