import type { ResolvedEnvironment } from "../environment.js";
import { detect } from "#detect-environment";
import type { RuntimeName } from "../format.js";
import type { readOptions } from "../options.js";
import { RUNTIME_NAMES } from "../read-document.js";

const isString = (value: unknown) => typeof value === "string";

// Detected once per process: none of it changes while it runs.
let detected: ResolvedEnvironment | undefined;

/**
 * The process facts both feature paths read (documents read at run time, and generated
 * evaluators), detected unless the options give them: `option` (of readOptions) reports an
 * invalid one, which then reads as absent.
 */
export function featureEnvironment(option: ReturnType<typeof readOptions>["option"]): ResolvedEnvironment {
  const found = (detected ??= detect());
  return {
    runtime:
      option<RuntimeName>("runtime", "a runtime name", (value) => RUNTIME_NAMES.includes(value as never)) ??
      found.runtime,
    runtimeVersion: option<string>("runtimeVersion", "a string", isString) ?? found.runtimeVersion,
    hostname: option<string>("hostname", "a string", isString) ?? found.hostname,
    sessionRandom:
      option<number>(
        "sessionRandom",
        "a number in [0, 1)",
        (value) => typeof value === "number" && value >= 0 && value < 1,
      ) ?? found.sessionRandom,
  };
}
