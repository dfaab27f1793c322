import { experiment, feature, sessionRandom } from "prosper/define";

let mutable = "Hello";

export const fn = experiment({
  name: "fn",
  variants: { control: { greet: () => "hi" }, b: { greet: () => "hey" } },
});

export const dated = experiment({
  name: "dated",
  variants: { control: { since: new Date(0).toISOString() }, b: { since: "1970" } },
});

export const notConst = experiment({
  name: "not-const",
  variants: { control: { word: mutable }, b: { word: "Hi" } },
});

export const random = feature({
  name: "random",
  buckets: [{ name: "maybe", classifier: sessionRandom().lt(Math.random()), value: true }],
  default: false,
});

export const undef = feature({ name: "undef", buckets: [], default: undefined as unknown as boolean });
mutable = "changed";
