/**
 * Why an evaluation gave its value, in OpenFeature's words.
 * - TARGETING_MATCH: a bucket's classifier matched.
 * - SPLIT: a bucket that divides by random number matched, or an experiment assigned a variant.
 * - DEFAULT: nothing matched, so the default (or an experiment's control) was served.
 * - DISABLED: the feature does not run here, or the experiment is off; the default or control was served.
 * - ERROR: the definition or the store failed; the default or a fallback was served.
 * - FORCED: a variant forced for tests or QA (`force`), which is never stored or rewarded.
 *   OpenFeature allows reasons of a provider's own; this is prosper's one.
 */
export type Reason = "TARGETING_MATCH" | "SPLIT" | "DEFAULT" | "DISABLED" | "ERROR" | "FORCED";
