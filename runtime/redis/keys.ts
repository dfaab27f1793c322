/** The prefix of every key when the application gives none. */
export const DEFAULT_REDIS_PREFIX = "prosper";

// A lone surrogate has no UTF-8 form: a client would write it as U+FFFD, so two such ids would
// share one field. A leading NUL marks the escaped form, so a raw text that starts with one is escaped too.
// eslint-disable-next-line no-control-regex
const needsEscape = /^\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * `text` as it is written into a key, a field or a value: itself, or NUL + its JSON when it is not
 * well-formed Unicode (or starts with NUL). One-to-one, so no two names or unit ids share a field.
 */
export const storable = (text: string): string => (needsEscape.test(text) ? "\u0000" + JSON.stringify(text) : text);

/** The text `storable` wrote. */
export const readable = (stored: string): string =>
  stored.charCodeAt(0) === 0 ? (JSON.parse(stored.slice(1)) as string) : stored;

/** The keys of one experiment; the braces are a Redis Cluster hash tag, so they share a slot. */
export function experimentKeys(prefix: string, experiment: string) {
  const base = `${prefix}:{${storable(experiment)}}:`;
  return { enabled: base + "enabled", assignments: base + "assignments", stats: base + "stats" } as const;
}

/**
 * The statistics hash's fields are `<statistic>:<variant>` (`count:control`). No statistic's name
 * has a colon, so the first colon splits a field back, whatever the variant's name.
 */
export const STAT_FIELDS = ["assigned", "count", "sum", "successes"] as const;
