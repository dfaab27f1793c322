import { experiment } from "prosper/define";

export const upload = experiment({
  name: "upload",
  variants: { control: { maxBytes: 10n }, bigger: { maxBytes: 20n } },
});
