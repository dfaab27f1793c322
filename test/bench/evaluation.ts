import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import {
  compileProject,
  describeShape,
  generatedShape,
  repositoryRoot,
  RUNTIME_RESOLUTION,
  type GeneratedShape,
} from "./generated-module.js";
import { environment, keep, timed, type Implementation, type User } from "./peers/common.js";
import { flagd } from "./peers/flagd.js";
import { growthBook } from "./peers/growthbook.js";
import { handWritten } from "./peers/hand-written.js";
import {
  machine,
  median,
  ratio,
  table,
  writeResults,
  type Machine,
  type ReportedSuite,
  type SuiteOptions,
} from "./report-common.js";

/**
 * Evaluation speed: the same work done by prosper's generated module, by hand-written JS, by
 * GrowthBook's `GrowthBookClient` and by `@openfeature/flagd-core`, over the same varied users.
 * First every library's answer for every user is compared with the hand-written one (the suite
 * fails if any differs); then five runs, each over a fifth of the users, alternate the libraries
 * slice by slice (A B C D, A B C D, ...) so that the machine's noise hits all of them, and the
 * median ns per evaluation over the runs is reported with ratios against hand-written JS
 * measured in the same run.
 */

export const EVALUATION_RESULTS_FILE = "test/bench/results/evaluation.json";

/**
 * A garbage collection before each timed slice, so that no library pays for the garbage the one
 * before it left (GrowthBook and flagd allocate a lot per call): each pays for its own.
 */
const collectGarbage = (() => {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as (options: { type: "minor" | "major" }) => void;
  // A young-generation collection: what calls leave behind is young, and it takes about a millisecond.
  return () => gc({ type: "minor" });
})();

const roundRatio = (value: number) => Math.round(value * 1000) / 1000;

/** Each run alternates the libraries over this many slices of its users. */
const SLICES_PER_RUN = 10;

/** The bench's own definitions, next to the shipped examples in definitions/. */
const BENCH_DEFINITIONS = `import { experiment, feature, hostname, sessionRandom } from "prosper/define";

/** The banner: bucket A for 10% of sessions on len* hosts, bucket B for the next 80%, else the default. */
export const banner = feature({
  name: "banner",
  description: "Which banner a session sees.",
  buckets: [
    { name: "a", classifier: sessionRandom().lt(0.1).and(hostname().matches("^len.+")), value: "A" },
    { name: "b", classifier: sessionRandom().lt(0.9).and(hostname().matches("^len.+")), value: "B" },
  ],
  default: "default",
});

/** Three variants, hashed on the unit id (the default algorithm: equal weights). */
export const benchThree = experiment({
  name: "bench-three",
  description: "Three labels, equally split.",
  variants: { a: { benchLabel: "A" }, b: { benchLabel: "B" }, c: { benchLabel: "C" } },
});
`;

interface PickerUnit {
  pick(symbol: string): unknown;
}
interface GeneratedModule {
  createFeatures(options?: object): {
    get(name: string, context: object): unknown;
    feature(name: string): { get(context: object): unknown };
  };
  createExperiments(options?: object): {
    /** Experiments start disabled in the README's API; optional here in case that changes. */
    enable?(experiment: string): Promise<boolean>;
    forUnit(unitId: string): Promise<PickerUnit>;
    flush?(): Promise<void>;
  };
}

type Library =
  | "hand-written"
  | "prosper"
  | "prosper, by name"
  | "GrowthBookClient"
  | "flagd-core"
  | "GrowthBookClient (own hashing)";

interface Case {
  readonly id: string;
  readonly title: string;
  /** The implementation's key in each library's table. */
  readonly key: string;
  readonly anonymous: boolean;
  readonly libraries: readonly Library[];
}

const PEERS: readonly Library[] = ["hand-written", "prosper", "GrowthBookClient", "flagd-core"];
/** Features are measured both ways prosper offers: taken once by name (the goal's figure), and by name per call. */
const FEATURE_PEERS: readonly Library[] = [...PEERS, "prosper, by name"];
const CASES: readonly Case[] = [
  { id: "banner-unit", title: "banner, unit id", key: "banner", anonymous: false, libraries: FEATURE_PEERS },
  { id: "banner-anonymous", title: "banner, no unit id", key: "banner", anonymous: true, libraries: FEATURE_PEERS },
  { id: "holdout-unit", title: "holdout, unit id", key: "holdout", anonymous: false, libraries: FEATURE_PEERS },
  {
    id: "holdout-anonymous",
    title: "holdout, no unit id",
    key: "holdout",
    anonymous: true,
    libraries: FEATURE_PEERS,
  },
  { id: "new-checkout", title: "new-checkout", key: "new-checkout", anonymous: false, libraries: FEATURE_PEERS },
  {
    id: "search-page-size",
    title: "search-page-size",
    key: "search-page-size",
    anonymous: false,
    libraries: FEATURE_PEERS,
  },
  {
    id: "checkout-cta",
    title: "checkout-cta: pick after forUnit",
    key: "checkout-cta",
    anonymous: false,
    libraries: PEERS,
  },
  { id: "greeting", title: "greeting: pick after forUnit", key: "greeting", anonymous: false, libraries: PEERS },
  { id: "three-sync", title: "3 variants: pick after forUnit", key: "three", anonymous: false, libraries: PEERS },
  {
    id: "three-async",
    title: "3 variants: forUnit + pick",
    key: "three",
    anonymous: false,
    libraries: [...PEERS, "GrowthBookClient (own hashing)"],
  },
];

/** The fairness notes printed with the figures and written to the results file. */
const METHOD = {
  runtime: RUNTIME_RESOLUTION,
  handWritten:
    "process constants (hostname test, session random) computed once; murmur3(salt + ':' + unitId) / 2^32 only when a bucket needs it; every library hashes with prosper's own murmur3 (the generated module's); experiments sticky like prosper's with its memory store: the unit's variant recorded in a Map the first time, read back after, a new Map per timed slice (every unit new)",
  sameAnswers:
    "GrowthBook (FNV) and flagd (fractional: murmur3 of its own key, integer-percent buckets) cannot reproduce prosper's split: each peer call computes prosper's unit fraction with the same murmur3, inside the timed call, and passes it as an attribute its rules compare; experiment cut points are exact (the smallest fraction where floor(fraction * total) changes)",
  growthBook:
    "GrowthBookClient: initSync payload, hostname and session random as global attributes, getFeatureValue(key, default, { attributes }) per call, hostname via $regex; '(own hashing)' is its own experiment rule on the unit id (FNV, hash version 2), answers differ by design, split compared within 1%",
  flagd:
    "FlagdCore default options (targeting compiled with new Function), resolve<Type>Evaluation(key, default, context) per call; ^len.+ as starts_with 'len' and != 'len' (flagd has no regex)",
  prosper:
    "features: createFeatures({ hostname, sessionRandom }), each feature taken once with features.feature(name) and called as .get(user) (the goal's figure); 'by name' calls features.get(name, user) each time; experiments: a new createExperiments() (its default memory store) per timed slice, so every unit is new; 'pick after forUnit' times pick only (forUnit awaited untimed, in chunks of 1,000), 'forUnit + pick' times both",
  loops:
    "each library's loop is its own code (no shared call site), calling the library once per user; each run alternates the libraries over 10 slices of its users, with a young-generation GC before each slice, so each library pays for its own garbage only",
};

const GOALS = {
  perCase: "prosper ≤ 1.5× hand-written",
  async: "prosper forUnit + pick faster than GrowthBookClient",
};

export interface EvaluationRow {
  readonly id: string;
  readonly title: string;
  readonly medianNs: Readonly<Record<string, number>>;
  readonly runsNs: Readonly<Record<string, readonly number[]>>;
  readonly vsHandWritten: Readonly<Record<string, number>>;
  readonly prosperVs: Readonly<Record<string, number>>;
  readonly goal: string;
  readonly met: boolean;
}

export interface EvaluationReport {
  readonly machine: Machine;
  /** Users compared; each timed run evaluates a fifth of them (`users / runs`), the runs together all. */
  readonly users: number;
  readonly runs: number;
  readonly generatedModule: GeneratedShape;
  readonly method: typeof METHOD;
  readonly goals: typeof GOALS;
  readonly rows: readonly EvaluationRow[];
  readonly error?: string;
}

/** Deterministic, varied users: unit ids of varying length and request facts spread over their values. */
function makeUsers(count: number): { identified: User[]; anonymous: User[] } {
  let state = 0x2545f491;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const countries = ["NL", "BE", "LU", "DE", "US", "FR", "GB"];
  const platforms = ["web", "ios", "web", "android", "web"];
  const identified: User[] = [];
  const anonymous: User[] = [];
  for (let i = 0; i < count; i++) {
    const facts = {
      staff: next() < 0.02,
      country: countries[Math.floor(next() * countries.length)]!,
      platform: platforms[Math.floor(next() * platforms.length)]!,
      searchesLastWeek: Math.floor(next() * 100),
    };
    const unitId = `${i % 3 === 0 ? "user-" : ""}${Math.floor(next() * 2 ** 40).toString(36)}-${i}`;
    identified.push({ unitId, ...facts });
    anonymous.push(facts);
  }
  return { identified, anonymous };
}

/** An onError that keeps the first few reports: enough to say what went wrong; a million would only fill memory. */
const collectInto = (errors: unknown[]) => (error: unknown, where: string) =>
  void (errors.length < 100 && errors.push(`${where}: ${String(error)}`));

function prosperImplementations(module: GeneratedModule, errors: unknown[]): Record<string, Implementation> {
  const onError = collectInto(errors);
  const features = module.createFeatures({ ...environment, onError });
  // Taken once, as an application takes the features it asks for on a hot path.
  const bannerFeature = features.feature("banner");
  const holdoutFeature = features.feature("holdout");
  const newCheckoutFeature = features.feature("new-checkout");
  const searchPageSizeFeature = features.feature("search-page-size");

  /** Experiments on a memory store of their own (the default), so every unit is new; enabled, as an app does once. */
  const newExperiments = async () => {
    const experiments = module.createExperiments({ onError });
    for (const name of ["checkout-cta", "greeting_experiment", "bench-three"])
      if (experiments.enable && !(await experiments.enable(name))) errors.push(`enable(${name}) failed`);
    return experiments;
  };

  // A unit's answer, for the comparison: from instances of its own, so the timed runs meet new
  // units; a new one every 10,000 units, so that a million stored assignments are not kept alive.
  const answerOf = (symbol: string) => {
    let experiments = newExperiments();
    let answered = 0;
    return async (user: User) => {
      if (++answered % 10_000 === 0) experiments = newExperiments();
      return (await (await experiments).forUnit(user.unitId!)).pick(symbol);
    };
  };

  /** `pick` after `forUnit`: forUnit awaited untimed, chunk by chunk, then the chunk's picks timed. */
  const pickAfterForUnit = (symbol: string, counted: unknown): Implementation => ({
    answer: answerOf(symbol),
    measure: async (users) => {
      const experiments = await newExperiments();
      let elapsed = 0;
      let tally = 0;
      const units: PickerUnit[] = [];
      for (let from = 0; from < users.length; from += 1000) {
        units.length = 0;
        const to = Math.min(users.length, from + 1000);
        for (let i = from; i < to; i++) units.push(await experiments.forUnit(users[i]!.unitId!));
        const started = performance.now();
        for (let i = 0; i < units.length; i++) if (units[i]!.pick(symbol) === counted) tally++;
        elapsed += performance.now() - started;
      }
      await experiments.flush?.();
      keep(tally);
      return elapsed;
    },
  });

  return {
    banner: {
      answer: (user) => bannerFeature.get(user),
      measure: timed((users) => {
        let tally = 0;
        for (let i = 0; i < users.length; i++) if (bannerFeature.get(users[i]!) === "A") tally++;
        return tally;
      }),
    },
    holdout: {
      answer: (user) => holdoutFeature.get(user),
      measure: timed((users) => {
        let tally = 0;
        for (let i = 0; i < users.length; i++) if (holdoutFeature.get(users[i]!)) tally++;
        return tally;
      }),
    },
    "new-checkout": {
      answer: (user) => newCheckoutFeature.get(user),
      measure: timed((users) => {
        let tally = 0;
        for (let i = 0; i < users.length; i++) if (newCheckoutFeature.get(users[i]!)) tally++;
        return tally;
      }),
    },
    "search-page-size": {
      answer: (user) => searchPageSizeFeature.get(user),
      measure: timed((users) => {
        let tally = 0;
        for (let i = 0; i < users.length; i++) tally += searchPageSizeFeature.get(users[i]!) as number;
        return tally;
      }),
    },
    "checkout-cta": pickAfterForUnit("ctaColor", "red"),
    greeting: pickAfterForUnit("greeting", "Hey!"),
    three: pickAfterForUnit("benchLabel", "A"),
    "three-async": {
      answer: answerOf("benchLabel"),
      measure: async (users) => {
        const experiments = await newExperiments();
        let tally = 0;
        const started = performance.now();
        for (let i = 0; i < users.length; i++)
          if ((await experiments.forUnit(users[i]!.unitId!)).pick("benchLabel") === "A") tally++;
        const elapsed = performance.now() - started;
        await experiments.flush?.();
        keep(tally);
        return elapsed;
      },
    },
  };
}

/** The feature cases through `features.get(name, user)`, the name looked up on every call. */
function prosperByName(module: GeneratedModule, errors: unknown[]): Record<string, Implementation> {
  const features = module.createFeatures({ ...environment, onError: collectInto(errors) });
  return {
    banner: {
      answer: (user) => features.get("banner", user),
      measure: timed((users) => {
        let tally = 0;
        for (let i = 0; i < users.length; i++) if (features.get("banner", users[i]!) === "A") tally++;
        return tally;
      }),
    },
    holdout: {
      answer: (user) => features.get("holdout", user),
      measure: timed((users) => {
        let tally = 0;
        for (let i = 0; i < users.length; i++) if (features.get("holdout", users[i]!)) tally++;
        return tally;
      }),
    },
    "new-checkout": {
      answer: (user) => features.get("new-checkout", user),
      measure: timed((users) => {
        let tally = 0;
        for (let i = 0; i < users.length; i++) if (features.get("new-checkout", users[i]!)) tally++;
        return tally;
      }),
    },
    "search-page-size": {
      answer: (user) => features.get("search-page-size", user),
      measure: timed((users) => {
        let tally = 0;
        for (let i = 0; i < users.length; i++) tally += features.get("search-page-size", users[i]!) as number;
        return tally;
      }),
    },
  };
}

/** The implementation a library runs for a case. */
function implementationFor(
  library: Library,
  testCase: Case,
  tables: Record<"hand" | "prosper" | "prosperByName" | "growthBook" | "flagd", Record<string, Implementation>>,
): Implementation {
  switch (library) {
    case "hand-written":
      return tables.hand[testCase.key]!;
    case "prosper":
      return tables.prosper[testCase.id === "three-async" ? "three-async" : testCase.key]!;
    case "prosper, by name":
      return tables.prosperByName[testCase.key]!;
    case "GrowthBookClient":
      return tables.growthBook[testCase.key]!;
    case "GrowthBookClient (own hashing)":
      return tables.growthBook["three-native"]!;
    case "flagd-core":
      return tables.flagd[testCase.key]!;
  }
}

/** Every library's answers against the hand-written ones; a list of what differs (empty when all agree). */
async function compareAnswers(
  testCase: Case,
  users: readonly User[],
  implementations: ReadonlyMap<Library, Implementation>,
): Promise<string[]> {
  const reference = implementations.get("hand-written")!;
  const problems: string[] = [];
  for (const [library, implementation] of implementations) {
    if (library === "hand-written") continue;
    if (implementation.check === "split") {
      // Own hashing: the same values in the same proportions (within 1% of the users), not the same units.
      const ours = new Map<unknown, number>();
      const theirs = new Map<unknown, number>();
      for (const user of users) {
        const expected = reference.answer(user);
        ours.set(expected, (ours.get(expected) ?? 0) + 1);
        const actual = await implementation.answer(user);
        theirs.set(actual, (theirs.get(actual) ?? 0) + 1);
      }
      for (const value of new Set([...ours.keys(), ...theirs.keys()])) {
        const difference = Math.abs((ours.get(value) ?? 0) - (theirs.get(value) ?? 0)) / users.length;
        if (difference > 0.01)
          problems.push(
            `${testCase.title}, ${library}: ${JSON.stringify(value)} for ${ours.get(value) ?? 0} users by hand, ${theirs.get(value) ?? 0} here`,
          );
      }
      continue;
    }
    let mismatches = 0;
    for (const user of users) {
      const expected = reference.answer(user);
      const actual = await implementation.answer(user);
      if (actual !== expected && mismatches++ < 3)
        problems.push(
          `${testCase.title}, ${library}: ${JSON.stringify(actual)} for ${JSON.stringify(user)}, hand-written ${JSON.stringify(expected)}`,
        );
    }
    if (mismatches > 3) problems.push(`${testCase.title}, ${library}: ${mismatches} users in all`);
  }
  return problems;
}

/** Runs the suite; writes the results file unless quick or failed. A failure is the report's `error`, not a throw. */
export async function runEvaluation(options: SuiteOptions): Promise<EvaluationReport> {
  const report = await measureEvaluation(options).catch((error: unknown): EvaluationReport => ({
    machine: machine(),
    users: 0,
    runs: 0,
    generatedModule: { imports: [], generatedEvaluators: false, featureDocumentsInModule: false },
    method: METHOD,
    goals: GOALS,
    rows: [],
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  }));
  if (!options.quick && !report.error) await writeResults(EVALUATION_RESULTS_FILE, report);
  return report;
}

async function measureEvaluation(options: SuiteOptions): Promise<EvaluationReport> {
  const { log } = options;
  const userCount = options.quick ? 100_000 : 1_000_000;
  const runs = 5;
  const files: Record<string, string> = { "definitions/bench.ts": BENCH_DEFINITIONS };
  for (const name of readdirSync(join(repositoryRoot, "definitions")))
    if (name.endsWith(".ts"))
      files[`definitions/${name}`] = readFileSync(join(repositoryRoot, "definitions", name), "utf8");
  log("evaluation: compiling the bench definitions and the shipped examples");
  const project = compileProject(files, "evaluation");
  const generated = readFileSync(project.generatedIndex, "utf8");
  const generatedModule = generatedShape(generated);
  const module = (await import(pathToFileURL(project.bundle).href)) as GeneratedModule;
  const report = (rows: EvaluationRow[], error?: string): EvaluationReport => ({
    machine: machine(),
    users: userCount,
    runs,
    generatedModule,
    method: METHOD,
    goals: GOALS,
    rows,
    ...(error ? { error } : {}),
  });
  try {
    log(`evaluation: ${describeShape(generatedModule)}`);
    const { identified, anonymous } = makeUsers(userCount);
    const errors: unknown[] = [];
    const tables = {
      hand: handWritten(),
      prosper: prosperImplementations(module, errors),
      prosperByName: prosperByName(module, errors),
      growthBook: growthBook(),
      flagd: await flagd(),
    };

    log(`evaluation: comparing every library's answers for ${userCount.toLocaleString("en")} users per case`);
    const problems: string[] = [];
    for (const testCase of CASES) {
      const users = testCase.anonymous ? anonymous : identified;
      const implementations = new Map(
        testCase.libraries.map((library) => [library, implementationFor(library, testCase, tables)]),
      );
      problems.push(...(await compareAnswers(testCase, users, implementations)));
    }
    if (errors.length) problems.push(...errors.slice(0, 5).map((error) => `prosper reported: ${String(error)}`));
    if (problems.length) return report([], `the libraries do not give the same answers:\n  ${problems.join("\n  ")}`);
    log("evaluation: every library gives the same answers");

    const rows: EvaluationRow[] = [];
    for (const testCase of CASES) {
      const all = testCase.anonymous ? anonymous : identified;
      const implementations = testCase.libraries.map(
        (library) => [library, implementationFor(library, testCase, tables)] as const,
      );
      // Warm-up, so that the first timed run is not the JIT's.
      const warmUp = all.slice(0, 10_000);
      for (const [, implementation] of implementations) await implementation.measure(warmUp);
      // Run r is every library on the r-th fifth of the users (the runs together cover them all),
      // alternating libraries slice by slice, so that a busy moment of the machine hits all of them.
      const runsNs: Record<string, number[]> = {};
      const perRun = Math.floor(all.length / runs);
      const perSlice = Math.ceil(perRun / SLICES_PER_RUN);
      for (let run = 0; run < runs; run++) {
        const elapsed = new Map<Library, number>();
        for (let from = run * perRun; from < (run + 1) * perRun; from += perSlice) {
          const users = all.slice(from, Math.min(from + perSlice, (run + 1) * perRun));
          for (const [library, implementation] of implementations) {
            collectGarbage();
            elapsed.set(library, (elapsed.get(library) ?? 0) + (await implementation.measure(users)));
          }
        }
        for (const [library, ms] of elapsed) (runsNs[library] ??= []).push(Math.round((ms * 1e7) / perRun) / 10);
      }
      const medianNs = Object.fromEntries(Object.entries(runsNs).map(([library, values]) => [library, median(values)]));
      const hand = medianNs["hand-written"]!;
      const prosper = medianNs["prosper"]!;
      const vsHandWritten = Object.fromEntries(
        Object.entries(medianNs).map(([library, ns]) => [library, roundRatio(ns / hand)]),
      );
      const prosperVs = Object.fromEntries(
        Object.entries(medianNs)
          .filter(([library]) => library !== "prosper" && library !== "hand-written")
          .map(([library, ns]) => [library, roundRatio(prosper / ns)]),
      );
      const async = testCase.id === "three-async";
      const met = async ? prosper < medianNs["GrowthBookClient"]! : prosper <= 1.5 * hand;
      const row = {
        id: testCase.id,
        title: testCase.title,
        medianNs,
        runsNs,
        vsHandWritten,
        prosperVs,
        goal: async ? GOALS.async : GOALS.perCase,
        met,
      };
      rows.push(row);
      log(
        `evaluation: ${testCase.title}: ${Object.entries(medianNs)
          .map(([library, ns]) => `${library} ${ns.toFixed(1)} ns`)
          .join(", ")}`,
      );
    }
    if (errors.length)
      return report(rows, `prosper reported errors while measured: ${errors.slice(0, 5).map(String).join("; ")}`);
    return report(rows);
  } finally {
    project.remove();
  }
}

const ns = (value: number | undefined) =>
  value === undefined ? "" : value < 100 ? value.toFixed(1) : value.toFixed(0);

export function evaluationTable(report: EvaluationReport): string {
  if (!report.rows.length) return `evaluation: no figures (${report.error?.split("\n")[0] ?? "no cases"})`;
  const header = [
    "case (median ns per evaluation)",
    "hand-written",
    "prosper",
    "×hand",
    "by name",
    "×hand",
    "GrowthBookClient",
    "×hand",
    "flagd-core",
    "×hand",
    "prosper/GB",
    "prosper/flagd",
    "goal",
  ];
  const rows = report.rows.map((row) => {
    const m = row.medianNs;
    const hand = m["hand-written"]!;
    const cell = (library: string) =>
      m[library] === undefined ? ["", ""] : [ns(m[library]), ratio(m[library]!, hand)];
    return [
      row.title,
      ns(hand),
      ...cell("prosper"),
      ...cell("prosper, by name"),
      ...cell("GrowthBookClient"),
      ...cell("flagd-core"),
      ratio(m["prosper"]!, m["GrowthBookClient"]!),
      ratio(m["prosper"]!, m["flagd-core"]!),
      `${row.met ? "met" : "NOT MET"}: ${row.goal}`,
    ];
  });
  const own = report.rows.find((row) => row.medianNs["GrowthBookClient (own hashing)"] !== undefined);
  const notes = [
    `${report.users.toLocaleString("en")} users compared; median of ${report.runs} alternating runs of ${(report.users / report.runs).toLocaleString("en")} users each; ${report.machine.cpu}, ${report.machine.cores} cores, Node ${report.machine.node}`,
    `${describeShape(report.generatedModule)}; ${report.method.runtime}`,
    ...(own
      ? [
          `GrowthBookClient's own experiment rule (FNV hashing, same split): ${ns(own.medianNs["GrowthBookClient (own hashing)"])} ns; prosper forUnit + pick ${ratio(own.medianNs["prosper"]!, own.medianNs["GrowthBookClient (own hashing)"]!)} of it`,
        ]
      : []),
    `same answers: ${report.method.sameAnswers}`,
    `GrowthBook: ${report.method.growthBook}`,
    `flagd: ${report.method.flagd}`,
    `prosper: ${report.method.prosper}`,
  ];
  return `${table(header, rows)}\n${notes.join("\n")}`;
}

export const evaluationSuite: ReportedSuite<EvaluationReport> = {
  file: EVALUATION_RESULTS_FILE,
  run: runEvaluation,
  table: evaluationTable,
};
