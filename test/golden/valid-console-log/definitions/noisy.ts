import { feature, sessionRandom } from "prosper/define";

// Definitions are typed without Node's types or the DOM's, so console needs declaring.
declare const console: { log(...values: unknown[]): void };

// Debugging output, some of it shaped like a compiler's own messages.
console.log("building noisy...");
console.log(JSON.stringify({ ok: true, definitions: [], features: [] }));
console.log("definitions/noisy.ts:1:1 - error PRS100: not really");

export const noisy = feature({
  name: "noisy",
  buckets: [{ name: "half", classifier: sessionRandom().lt(0.5), value: true }],
  default: false,
});
