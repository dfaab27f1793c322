import { experiment } from "prosper/define";
import { palette } from "./palette.js";

export const theme = experiment({
  name: "theme",
  variants: { control: { accent: palette.blue }, warm: { accent: palette.orange } },
});
