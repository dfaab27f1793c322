import { experiment } from "prosper/define";

// Pasted from a JSON document: in JavaScript source "__proto__": {...} sets the prototype,
// so "admin" is not in the value and JSON.stringify leaves it out.
export const limits = experiment({
  name: "limits",
  variants: {
    control: { limits: { "__proto__": { "admin": true }, "maxItems": 10 } },
    more: { limits: { "__proto__": { "admin": false }, "maxItems": 100 } },
  },
});
