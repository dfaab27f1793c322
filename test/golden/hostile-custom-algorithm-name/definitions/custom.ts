import { experiment } from "prosper/define";

// Registered as a key of a plain object, "__proto__" would set the object's prototype instead.
export const proto = experiment({
  name: "proto",
  algorithm: { kind: "custom", name: "__proto__" },
  variants: { control: { a: 1 }, other: { a: 2 } },
});

export const empty = experiment({
  name: "empty",
  algorithm: { kind: "custom", name: "" },
  variants: { control: { b: 1 }, other: { b: 2 } },
});

export const polluting = experiment({
  name: "polluting",
  algorithm: { kind: "custom", name: "house", parameters: JSON.parse('{"__proto__": {"admin": true}}') },
  variants: { control: { c: 1 }, other: { c: 2 } },
});
