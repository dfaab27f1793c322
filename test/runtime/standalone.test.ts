import { join } from "node:path";
import { expect, test } from "vitest";
import { root, typeCheck } from "../support/type-check.js";

// The runtime runs anywhere JavaScript does: it may lean on ES2022 alone, not on DOM or node typings.
test("the runtime type-checks with ES2022 only: no DOM, no node typings", () => {
  const entries = ["runtime/index.ts", "runtime/detect-environment.ts", "runtime/detect-environment.browser.ts"];
  expect(
    typeCheck(
      entries.map((entry) => join(root, entry)),
      {},
      { types: [], lib: ["lib.es2022.d.ts"] },
    ),
  ).toEqual([]);
});
