import { experiment } from "prosper/define";

const button = { color: "blue", label: "Buy" };
const base = {
  control: { ...button, color: "blue" },
  red: { ...button, color: "red" },
};

// A later key replaces an earlier one where that one stood, as in JavaScript.
export const spreads = experiment({
  name: "spreads",
  variants: { ...base, control: { ...button, label: "Purchase" }, green: { label: "Buy", color: "green" } },
});

export const shapes = experiment({
  name: "shapes",
  variants: {
    control: { pair: ["a", 1], items: [{ id: 1 }, { id: 2, badge: "new" }], tags: [] as string[] },
    other: { pair: [2, "b"], items: [{ id: 3, badge: "hot" }, { id: 4 }], tags: ["x"] },
  },
});
