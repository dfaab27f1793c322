import { experiment } from "prosper/define";

// 1e400 is past the largest double: it is Infinity, which JSON cannot hold.
export const upload = experiment({
  name: "upload-limit",
  variants: { control: { maxBytes: 1e6 }, unlimited: { maxBytes: 1e400 } },
});
