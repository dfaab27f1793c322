import { defineConfig } from "vitest/config";

export default defineConfig({
  // The workspace packages from their TypeScript sources, not their builds.
  resolve: { conditions: ["prosper-source"] },
  ssr: { resolve: { conditions: ["prosper-source"], externalConditions: ["prosper-source"] } },
  test: {
    include: ["test/**/*.test.ts"],
    // The regex detectors' comparison takes ten minutes: only on request (npm run bench:regex-detectors).
    benchmark: {
      include: process.env["BENCH_REGEX_DETECTORS"]
        ? ["test/check/regex-detectors.bench.ts"]
        : ["test/bench/**/*.bench.ts"],
    },
    // Type tests: `expectTypeOf` and `@ts-expect-error` checked by the type checker, not run.
    typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "tsconfig.json" },
    // Golden and CLI tests start the TypeScript compiler; the first run on a cold machine is slow.
    testTimeout: 60_000,
  },
});
