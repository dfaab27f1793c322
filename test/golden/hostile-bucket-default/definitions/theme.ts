import { contextString, feature } from "prosper/define";

export const theme = feature({
  name: "theme",
  buckets: [
    { name: "dark", classifier: contextString("os").eq("macos"), value: "dark" },
    { name: "default", classifier: contextString("os").ne("macos"), value: "light" },
  ],
  default: "light",
});
