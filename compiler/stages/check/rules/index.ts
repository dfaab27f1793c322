import type { Rule } from "../rule.js";
import { algorithmWeights } from "./algorithm-weights.js";
import { bucketReachable } from "./bucket-reachable.js";
import { bucketsChangeValue } from "./buckets-change-value.js";
import { comparisonCanVary } from "./comparison-can-vary.js";
import { bucketNameReserved } from "./bucket-name-reserved.js";
import { bucketNamesUnique } from "./bucket-names-unique.js";
import { bucketValueTypes } from "./bucket-value-types.js";
import { comparisonTypes } from "./comparison-types.js";
import { contextKeyTypes } from "./context-key-types.js";
import { namesUnique } from "./names-unique.js";
import { namesValid } from "./names-valid.js";
import { oneOfDistinct } from "./one-of-distinct.js";
import { regexSafe } from "./regex-safe.js";
import { symbolOwnedOnce } from "./symbol-owned-once.js";
import { symbolTypesMatch } from "./symbol-types-match.js";
import { variantCount } from "./variant-count.js";
import { variantSymbolsMatch } from "./variant-symbols-match.js";

/** Every check rule, in code order. A code, once published, keeps its meaning. */
export const rules: readonly Rule[] = [
  namesValid,
  namesUnique,
  variantCount,
  variantSymbolsMatch,
  symbolTypesMatch,
  symbolOwnedOnce,
  algorithmWeights,
  bucketNamesUnique,
  bucketNameReserved,
  regexSafe,
  comparisonTypes,
  bucketValueTypes,
  contextKeyTypes,
  bucketReachable,
  comparisonCanVary,
  oneOfDistinct,
  bucketsChangeValue,
];
