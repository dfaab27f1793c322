import { experiment } from "prosper/define";

// `__proto__: {...}` in an object literal sets the prototype: this third variant vanishes.
export const banner = experiment({
  name: "banner",
  variants: {
    control: { bannerText: "Welcome" },
    loud: { bannerText: "WELCOME!" },
    __proto__: { bannerText: "Hi" },
  },
});
