/**
 * The patterns PRS304 is judged on, shared by the unit test (`regex-safe.test.ts`) and the detector
 * comparison (`test/bench/regex-detectors.bench.ts`, results in `regex-detectors.md`).
 *
 * `safe` is what the compiler must answer. It was checked by timing `str.search(re)` in V8 on the
 * attack strings (the bench lists any row whose timing disagrees): unsafe rows take seconds on a
 * few dozen characters (exponential), or grow like the cube or worse (milliseconds at 300
 * characters, a second at 3,000). The last rows are only quadratic, because the runtime's search
 * is unanchored and retries from every position: 0.1 ms at 300 characters but 40 ms at 10,000, on
 * context values that can be that long. They are unsafe too, since each has a linear equivalent
 * for a yes/no search (`\d$` finds the strings `\d+$` finds).
 */

/** An input that makes a backtracking engine work hard: `prefix + pump.repeat(n) + suffix`. */
export interface Attack {
  prefix?: string;
  pump: string;
  suffix?: string;
}

export interface RegexCase {
  pattern: string;
  flags: string;
  safe: boolean;
  /** What the pattern is, and what measurement showed. */
  why: string;
  /** Hand-written worst cases; `attackStrings` adds generic ones. */
  attacks: Attack[];
}

const r = String.raw;

export const regexCases: RegexCase[] = [
  // Exponential: a repetition inside a repetition, both able to take the same characters.
  { pattern: r`^(a+)+$`, flags: "", safe: false, why: "nested quantifiers", attacks: [{ pump: "a", suffix: "!" }] },
  { pattern: r`(a*)*b`, flags: "", safe: false, why: "nested stars", attacks: [{ pump: "a", suffix: "!" }] },
  { pattern: r`(a+)+$`, flags: "", safe: false, why: "nested, unanchored", attacks: [{ pump: "a", suffix: "!" }] },
  {
    pattern: r`(\w+\s?)*$`,
    flags: "",
    safe: false,
    why: "words with optional spaces, repeated",
    attacks: [{ pump: "a", suffix: "!" }],
  },
  { pattern: r`^(\d+)*$`, flags: "", safe: false, why: "digits repeated", attacks: [{ pump: "1", suffix: "x" }] },
  {
    pattern: r`^([a-zA-Z0-9]+\s?)+$`,
    flags: "",
    safe: false,
    why: "a classic 'words' validator",
    attacks: [{ pump: "a", suffix: "!" }],
  },
  { pattern: r`(x+x+)+y`, flags: "", safe: false, why: "two runs in a repeat", attacks: [{ pump: "x", suffix: "" }] },
  {
    pattern: r`^([a-z0-9]+-?)+\.example\.com$`,
    flags: "",
    safe: false,
    why: "hostname label, hyphen optional, so the runs can split anywhere",
    attacks: [{ pump: "a", suffix: ".example.co" }],
  },
  {
    pattern: r`^(\w+\.?)+@example\.com$`,
    flags: "",
    safe: false,
    why: "mailbox with optional dots",
    attacks: [{ pump: "a", suffix: "@example.co" }],
  },
  // Hostname validators the hand-written check accepted: the outer repetition is counted, not `+`.
  {
    pattern: r`^([a-z0-9]+\.?){1,127}[a-z]{2,63}$`,
    flags: "",
    safe: false,
    why: "hostname validator; 4 s on the 31 characters 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!', doubling per character",
    attacks: [{ pump: "a", suffix: "!" }],
  },
  {
    pattern: r`^([a-z0-9]+-?){1,63}\.example\.com$`,
    flags: "",
    safe: false,
    why: "label of up to 63 hyphenated runs",
    attacks: [{ pump: "a", suffix: ".example.co" }],
  },
  // Exponential: a repeated choice whose alternatives overlap.
  {
    pattern: r`^(a|a)*$`,
    flags: "",
    safe: false,
    why: "identical alternatives",
    attacks: [{ pump: "a", suffix: "!" }],
  },
  { pattern: r`(\w|\d)+$`, flags: "", safe: false, why: "\\d is inside \\w", attacks: [{ pump: "1", suffix: "!" }] },
  { pattern: r`^(a|aa)+$`, flags: "", safe: false, why: "one or two at a time", attacks: [{ pump: "a", suffix: "!" }] },
  {
    pattern: r`^(a|b|ab)*$`,
    flags: "",
    safe: false,
    why: "'ab' is also 'a' then 'b'",
    attacks: [{ pump: "ab", suffix: "!" }],
  },
  {
    pattern: r`^(a|A)+$`,
    flags: "i",
    safe: false,
    why: "overlapping only under the i flag",
    attacks: [{ pump: "a", suffix: "!" }],
  },
  {
    pattern: r`^(.|\n)+x$`,
    flags: "s",
    safe: false,
    why: "overlapping only under the s flag",
    attacks: [{ pump: "\n", suffix: "!" }],
  },
  {
    pattern: r`^(\p{L}|a)+$`,
    flags: "u",
    safe: false,
    why: "a letter property overlapping a letter",
    attacks: [{ pump: "a", suffix: "!" }],
  },
  // Counted repetitions: exponential or high-degree polynomial although nothing unbounded nests.
  {
    pattern: r`(a?){30}a{30}$`,
    flags: "",
    safe: false,
    why: "optional repeats; 18 s on 41 characters",
    attacks: [{ pump: "a", suffix: "!" }],
  },
  {
    pattern: r`(a?){30}a{30}`,
    flags: "",
    safe: false,
    why: "textbook exponential; fast in V8 only because every long enough input matches and V8 prunes short ones",
    attacks: [{ pump: "a", suffix: "" }],
  },
  {
    pattern: r`(.*a){12}`,
    flags: "",
    safe: false,
    why: "12 overlapping .*: 3 ms at 300 characters with 11 a's spread out, 33 ms at 1,000",
    attacks: [{ pump: "a" + "b".repeat(26), suffix: "" }],
  },
  {
    pattern: r`^(.*?,){11}P`,
    flags: "",
    safe: false,
    why: "CSV field skipper, degree 11",
    attacks: [{ pump: ",", suffix: "" }],
  },
  // Patterns recheck's automaton cannot take (look-arounds, back-references, large counts).
  {
    pattern: r`^(?!-)([a-z0-9]+-?)+$`,
    flags: "",
    safe: false,
    why: "hostname label behind a lookahead",
    attacks: [{ pump: "a", suffix: "!" }],
  },
  {
    pattern: r`(["'])(\\?.)*?\1`,
    flags: "",
    safe: false,
    why: "quoted string with escapes: a backslash is either an escape or a character",
    attacks: [{ prefix: '"', pump: "\\", suffix: "" }],
  },
  {
    pattern: r`^(\p{L}+\s?){1,50}$`,
    flags: "u",
    safe: false,
    why: "unicode words, counted",
    attacks: [{ pump: "é", suffix: "!" }],
  },
  // Polynomial of degree 3 or more: adjacent repetitions trading characters, times the search.
  { pattern: r`\s*\s*$`, flags: "", safe: false, why: "degree 3", attacks: [{ pump: " ", suffix: "!" }] },
  { pattern: r`a*a*a*b`, flags: "", safe: false, why: "degree 4", attacks: [{ pump: "a", suffix: "" }] },
  { pattern: r`^.*.*.*x`, flags: "", safe: false, why: "degree 3, anchored", attacks: [{ pump: "a", suffix: "" }] },
  { pattern: r`\d+\d+x`, flags: "", safe: false, why: "degree 3", attacks: [{ pump: "1", suffix: "" }] },
  // Back-references.
  {
    pattern: r`(a+)\1+$`,
    flags: "",
    safe: false,
    why: "a run then copies of it: degree 3 (45 ms at 1,000 characters)",
    attacks: [{ pump: "a", suffix: "!" }],
  },
  {
    pattern: r`^(\w+)\s\1*$`,
    flags: "",
    safe: true,
    why: "a word then copies: anchored, and \\s fixes where the word ends, so linear",
    attacks: [
      { pump: "a", suffix: "!" },
      { prefix: "a ", pump: "a", suffix: "!" },
      { prefix: "ab ", pump: "ab", suffix: "!" },
    ],
  },
  {
    pattern: r`^(["'])[^"']*\1$`,
    flags: "",
    safe: true,
    why: "quoted string, closing quote like the opening one",
    attacks: [{ prefix: '"', pump: "a", suffix: "'" }],
  },
  { pattern: r`^(\w+)-\1$`, flags: "", safe: true, why: "a word twice", attacks: [{ pump: "a", suffix: "-a!" }] },

  // Ordinary patterns.
  { pattern: r`^len.+`, flags: "", safe: true, why: "the README's example", attacks: [{ prefix: "len", pump: "a" }] },
  {
    pattern: r`^app-\d{2,4}\.prod$`,
    flags: "",
    safe: true,
    why: "numbered hosts",
    attacks: [{ prefix: "app-", pump: "1", suffix: "!" }],
  },
  { pattern: r`^(ios|android|web)$`, flags: "", safe: true, why: "a choice", attacks: [{ pump: "ios", suffix: "!" }] },
  { pattern: r`^\d{3}-\d{4}$`, flags: "", safe: true, why: "counted digits", attacks: [{ pump: "1", suffix: "!" }] },
  {
    pattern: r`\.example\.com$`,
    flags: "",
    safe: true,
    why: "a domain suffix",
    attacks: [{ pump: ".example", suffix: ".co" }],
  },
  { pattern: r`^[a-z]+$`, flags: "", safe: true, why: "a class, anchored", attacks: [{ pump: "a", suffix: "!" }] },
  {
    pattern: r`^v?(\d+)\.(\d+)\.(\d+)$`,
    flags: "",
    safe: true,
    why: "a version",
    attacks: [
      { pump: "1", suffix: "!" },
      { prefix: "1.", pump: "1", suffix: ".1!" },
    ],
  },
  { pattern: r`^[A-Z]{2}$`, flags: "", safe: true, why: "a country code", attacks: [{ pump: "A", suffix: "!" }] },
  { pattern: r`^(nl|be|lu)$`, flags: "i", safe: true, why: "a choice, any case", attacks: [{ pump: "nl" }] },
  { pattern: r`^LEN`, flags: "i", safe: true, why: "a prefix, any case", attacks: [{ pump: "l" }] },
  {
    pattern: r`^\p{Lu}\p{Ll}+$`,
    flags: "u",
    safe: true,
    why: "a capitalised word",
    attacks: [{ prefix: "A", pump: "é", suffix: "!" }],
  },
  {
    pattern: r`^[\p{L}\p{N}_-]+$`,
    flags: "u",
    safe: true,
    why: "a unicode slug",
    attacks: [{ pump: "ä", suffix: "!" }],
  },
  { pattern: r`^straße$`, flags: "iu", safe: true, why: "case folding under u", attacks: [{ pump: "s" }] },
  {
    pattern: r`^(a|A)+$`,
    flags: "",
    safe: true,
    why: "disjoint without the i flag",
    attacks: [{ pump: "a", suffix: "!" }],
  },
  {
    pattern: r`^(.|\n)+x$`,
    flags: "",
    safe: true,
    why: "disjoint without the s flag",
    attacks: [{ pump: "a", suffix: "!" }],
  },
  {
    pattern: r`^(\p{Lu}|\p{Ll})+$`,
    flags: "u",
    safe: true,
    why: "disjoint properties",
    attacks: [{ pump: "aA", suffix: "!" }],
  },
  {
    pattern: r`^[a-z0-9]+(-[a-z0-9]+)*\.example\.com$`,
    flags: "",
    safe: true,
    why: "hyphenated label: nested, but the hyphen separates the runs",
    attacks: [
      { pump: "a", suffix: ".example.co" },
      { prefix: "a", pump: "-a", suffix: "!" },
    ],
  },
  {
    pattern: r`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$`,
    flags: "i",
    safe: true,
    why: "the RFC 1123 hostname: dots separate the labels",
    attacks: [
      { pump: "a", suffix: "!" },
      { pump: "a.", suffix: "!" },
      { pump: "a-", suffix: "!" },
    ],
  },
  {
    pattern: r`^([a-z]+\.)+$`,
    flags: "",
    safe: true,
    why: "labels each ending in a dot: nested, but the dot separates them",
    attacks: [
      { pump: "a", suffix: "!" },
      { pump: "a.", suffix: "!" },
    ],
  },
  {
    pattern: r`^(?=.{1,253}$)[a-z0-9.-]+$`,
    flags: "i",
    safe: true,
    why: "hostname, its length checked by a lookahead",
    attacks: [{ pump: "a", suffix: "!" }],
  },
  {
    pattern: r`^(\d{1,3}\.){3}\d{1,3}$`,
    flags: "",
    safe: true,
    why: "an IPv4 address",
    attacks: [{ pump: "1.", suffix: "!" }],
  },
  {
    pattern: r`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`,
    flags: "i",
    safe: true,
    why: "a UUID: 32 counted repeats",
    attacks: [{ pump: "a", suffix: "!" }],
  },
  { pattern: r`\bbeta\b`, flags: "", safe: true, why: "a word", attacks: [{ pump: "beta", suffix: "" }] },
  {
    pattern: r`^(?!internal-)[a-z-]+$`,
    flags: "",
    safe: true,
    why: "a lookahead",
    attacks: [{ pump: "a", suffix: "!" }],
  },
  {
    pattern: r`(?<!staging)\.example\.com$`,
    flags: "",
    safe: true,
    why: "a lookbehind",
    attacks: [{ pump: ".example", suffix: ".co" }],
  },
  {
    pattern: r`^(?<major>\d+)\.(?<minor>\d+)$`,
    flags: "",
    safe: true,
    why: "named groups",
    attacks: [{ pump: "1", suffix: "!" }],
  },
  {
    pattern: r`^[a-z]{2}(-[A-Z]{2})?$`,
    flags: "",
    safe: true,
    why: "a locale",
    attacks: [{ pump: "a", suffix: "!" }],
  },
  {
    pattern: r`^[^@\s]+@example\.com$`,
    flags: "",
    safe: true,
    why: "a company address",
    attacks: [{ pump: "a", suffix: "@example.co" }],
  },
  {
    pattern: r`^[\w.-]{1,64}@example\.com$`,
    flags: "",
    safe: true,
    why: "a mailbox of at most 64 characters",
    attacks: [{ pump: "a", suffix: "@example.co" }],
  },
  {
    pattern: r`^[\w.+-]+@[\w-]+(\.[\w-]+)+$`,
    flags: "",
    safe: true,
    why: "an address: the dots separate the domain's labels",
    attacks: [{ prefix: "a@", pump: "a.", suffix: "!" }],
  },
  {
    pattern: r`^(web|api)-\d+$`,
    flags: "",
    safe: true,
    why: "prefixed numbers",
    attacks: [{ prefix: "web-", pump: "1", suffix: "!" }],
  },
  {
    pattern: r`^(foo|bar)+$`,
    flags: "",
    safe: true,
    why: "disjoint alternatives",
    attacks: [{ pump: "foo", suffix: "!" }],
  },
  {
    pattern: r`(^|\.)example\.com$`,
    flags: "",
    safe: true,
    why: "a domain or its subdomains",
    attacks: [{ pump: ".example", suffix: ".co" }],
  },
  {
    pattern: r`^staging-\d+\.eu-(west|central)-\d\.example\.com$`,
    flags: "",
    safe: true,
    why: "a fleet's host names",
    attacks: [{ prefix: "staging-", pump: "1", suffix: "!" }],
  },
  {
    pattern: r`^.+\.example\.com$`,
    flags: "",
    safe: true,
    why: "subdomains, anchored",
    attacks: [
      { pump: "a", suffix: "" },
      { pump: ".example.com", suffix: "!" },
    ],
  },

  // Quadratic only through the unanchored search (see the top of this file).
  {
    pattern: r`.+\.example\.com$`,
    flags: "",
    safe: false,
    why: "unanchored .+: quadratic, where `.\.example\.com$` is linear",
    attacks: [
      { pump: "a", suffix: "" },
      { pump: ".example.com", suffix: "!" },
    ],
  },
  {
    pattern: r`\d+$`,
    flags: "",
    safe: false,
    why: "trailing digits: quadratic, where `\d$` is linear",
    attacks: [{ pump: "1", suffix: "!" }],
  },
  {
    pattern: r`.*beta`,
    flags: "",
    safe: false,
    why: "contains beta: quadratic, where `beta` is linear",
    attacks: [{ pump: "a", suffix: "" }],
  },
];

const standardLengths = [20, 30, 50, 100, 300];

/** The attack's input of about `length` characters. */
export function pumped({ prefix = "", pump, suffix = "" }: Attack, length: number): string {
  const times = Math.max(1, Math.round((length - prefix.length - suffix.length) / pump.length));
  return prefix + pump.repeat(times) + suffix;
}

/**
 * The row's own attacks, then generic ones built from characters the pattern mentions: each
 * repeated alone and in pairs, with and without the pattern's literal start, ended by a character
 * most patterns cannot take, at several lengths. Catches what a hand-written attack forgot.
 */
export function attackStrings(row: RegexCase, lengths: readonly number[] = standardLengths): string[] {
  const samples = sampleCharacters(row.pattern).slice(0, 6);
  const pumps = [...samples, ...samples.flatMap((a) => samples.filter((b) => b !== a).map((b) => a + b))];
  const prefixes = [...new Set(["", literalStart(row.pattern)])];
  const generic = pumps.flatMap((pump) =>
    prefixes.flatMap((prefix) => ["!", "\n", "\u0000"].map((suffix) => ({ prefix, pump, suffix }))),
  );
  const strings = [...row.attacks, ...generic].flatMap((attack) => lengths.map((length) => pumped(attack, length)));
  return [...new Set(strings)].sort((a, b) => a.length - b.length);
}

/** Characters a pattern mentions, with a sample for each class escape; `.` gives a letter. */
export function sampleCharacters(pattern: string): string[] {
  const escapes: Record<string, string> = { d: "1", w: "a", s: " ", D: "!", W: "!", S: "a", n: "\n", t: "\t", p: "a" };
  const found: string[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === "\\") {
      const next = pattern[++i] ?? "";
      if (next in escapes) found.push(escapes[next]!);
      // Back-references, \b, \k<name>, \cX, \xHH, \uHHHH and \P{...} name no character of their own.
      else if (!/[0-9bBkcuxP]/.test(next)) found.push(next);
    } else if (char === ".") found.push("a");
    else if (!"^$|?*+()[]{}".includes(char)) found.push(char);
  }
  return [...new Set(found)];
}

/** The literal text a `^`-anchored pattern starts with, e.g. "app-" for `^app-\d+`. */
function literalStart(pattern: string): string {
  return /^\^([\w-]*)/.exec(pattern)?.[1] ?? "";
}
