import { experiment } from "prosper/define";

// A computed key makes a real own property named "__proto__".
export const banner = experiment({
  name: "banner",
  variants: {
    control: { bannerText: "Welcome" },
    ["__proto__"]: { bannerText: "Hi" },
  },
});
