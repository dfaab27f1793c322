import { describe } from "../describe.js";
import type {
  ArmStats,
  AssignRequest,
  AssignResult,
  ExperimentStats,
  ExperimentStore,
  Reward,
  UnitRead,
} from "../experiments/store.js";
import { functionName, lastFunction, quoteIdentifier, schemaNameProblem, setupSql } from "./schema-sql.js";
import { decodeText, encodeText } from "./text-codec.js";
import { batchedCalls } from "./batched-calls.js";

// Every runtime prosper supports has timers; declared here so the runtime needs no DOM or node typings.
declare function setTimeout(callback: () => void, ms: number): unknown;

/**
 * What the store needs of a client: `query(text, values)` resolving to `{ rows }`, and a text with
 * no values run as a simple query (several statements, one transaction). A `pg` Pool is one; see
 * `postgresStore` for the options it should have.
 */
export interface PostgresClient {
  query(text: string, values?: unknown[]): Promise<{ readonly rows: readonly unknown[] }>;
}

export interface PostgresStoreOptions {
  /** The schema that holds the store's tables and functions, created if missing: "prosper" by default. Any PostgreSQL name. */
  readonly schema?: string | undefined;
}

export interface PostgresStore extends ExperimentStore {
  /**
   * Resolves once the schema, tables and functions are there, creating them if missing; rejects
   * with the reason when they cannot be (the server is down, the role may not create them). Every
   * other method waits for the same set-up, so calling this is optional: await it at start-up to
   * fail early, or leave it out to start even while the server is down.
   */
  setup(): Promise<void>;
}

/** After a failed set-up, calls fail with its error for this long before the set-up is tried again. */
const SETUP_RETRY_MS = 1000;
/** Batches of each method on their way at once; the calls that arrive meanwhile wait and go together. */
const BATCHES_IN_FLIGHT = 4;
/** The most calls in one statement. */
const MAX_BATCH = 1000;

const DEFAULT_SCHEMA = "prosper";

type ReadItem = [unit: string, experiments: string[], stats: string[]];
type ReadAnswer = [states: [boolean, string | null][], stats: StoredStats[]];
type StoredStats = Record<string, [number, number, number, number]>;
type AssignItem = [experiment: string, unit: string, variant: string, variants: string[]];
type CompleteItem = [experiment: string, unit: string, score: number, success: 0 | 1, variants: string[]];

const text = (value: unknown, what: string): string => {
  if (typeof value !== "string") throw new TypeError(`${what}: expected a string, got ${describe(value)}`);
  return encodeText(value);
};

const texts = (values: unknown, what: string): string[] => {
  if (!Array.isArray(values)) throw new TypeError(`${what}: expected an array of strings, got ${describe(values)}`);
  return values.map((value) => text(value, what));
};

const statsFrom = (stored: StoredStats): ExperimentStats =>
  Object.fromEntries(
    Object.entries(stored).map(([variant, [assigned, count, sum, successes]]): [string, ArmStats] => [
      decodeText(variant),
      { assigned, count, sum, successes },
    ]),
  );

/**
 * Experiment state in PostgreSQL, shared by every process that opens the same schema: apps keep
 * apart by schema, and two versions of one app may share one during a deploy. Each call is one
 * statement, and the calls of `readUnit`, `assign` and `complete` that arrive while others are on
 * their way go together in one, so that a busy process sends fewer, larger statements.
 *
 * The client is the application's, made and ended by it: a `pg` Pool (not a single Client, which
 * never reconnects). Give the pool `connectionTimeoutMillis` of at most `storeTimeoutMs` (1000 ms
 * by default): it bounds both connecting and waiting for a free connection, and pg's default, 0,
 * waits for ever, so that calls pile up behind a server that does not answer. Set `query_timeout`
 * (a few times `storeTimeoutMs`) so that a statement sent to a server that stopped answering frees
 * its connection, and `keepAlive: true` so that a dead connection is noticed. Keep the pool in READ
 * COMMITTED (PostgreSQL's default).
 * A pool emits 'error' when an idle connection dies, which crashes a process that does not listen:
 * when the pool has no 'error' listener, the store adds one that ignores it (the pool drops the
 * connection, and the next call reconnects). Never throws: every failure is a rejected call.
 *
 * @example
 * const pool = new pg.Pool({ connectionString, connectionTimeoutMillis: 1000, query_timeout: 5000, keepAlive: true });
 * const experiments = createExperiments(documents, { store: postgresStore(pool, { schema: "prosper" }) });
 */
export function postgresStore(client: PostgresClient, options: PostgresStoreOptions = {}): PostgresStore {
  let schema: unknown;
  try {
    schema = options?.schema ?? DEFAULT_SCHEMA;
  } catch {
    schema = undefined;
  }
  const problem = schemaNameProblem(schema);
  const quoted = problem ? "" : quoteIdentifier(schema as string);
  listenForIdleErrors(client);

  let settingUp: Promise<void> | undefined;
  const setup = (): Promise<void> => {
    if (!settingUp) {
      settingUp = problem ? Promise.reject(new TypeError(problem)) : createSchema(client, schema as string);
      settingUp.catch(() => {
        if (problem) return;
        const timer = setTimeout(() => (settingUp = undefined), SETUP_RETRY_MS);
        (timer as { unref?(): void })?.unref?.();
      });
    }
    return settingUp;
  };

  const statements = new Map<string, string>();
  /** The answer (JSON text, parsed) of this version's function `name` called with `values`. */
  const call = async (name: string, values: unknown[]): Promise<unknown> => {
    await setup();
    let statement = statements.get(name);
    if (!statement) {
      const parameters = values.map((_, index) => `$${index + 1}`).join(", ");
      statements.set(name, (statement = `SELECT ${quoted}.${functionName(name)}(${parameters}) AS answer`));
    }
    const { rows } = await client.query(statement, values);
    const answer = (rows[0] as { answer?: unknown } | undefined)?.answer;
    if (typeof answer !== "string") throw new TypeError(`${name}: the server answered ${describe(answer)}`);
    return JSON.parse(answer);
  };

  const readBatch = batchedCalls<ReadItem, ReadAnswer>(
    async (items) => (await call("read_units", [JSON.stringify(items)])) as ReadAnswer[],
    BATCHES_IN_FLIGHT,
    MAX_BATCH,
  );
  // Each call of `assign` is a list: the lists of the calls in one batch go in one statement.
  const assignBatch = batchedCalls<AssignItem[], [string, boolean][]>(
    async (calls) => {
      const answers = (await call("assign", [JSON.stringify(calls.flat())])) as [string, boolean][];
      let at = 0;
      return calls.map((items) => answers.slice(at, (at += items.length)));
    },
    BATCHES_IN_FLIGHT,
    MAX_BATCH,
  );
  const completeBatch = batchedCalls<CompleteItem, string | null>(
    async (items) => (await call("complete", [JSON.stringify(items)])) as (string | null)[],
    BATCHES_IN_FLIGHT,
    MAX_BATCH,
  );

  void setup().catch(() => {});
  return {
    setup,
    isEnabled: async (experiment) => (await call("is_enabled", [text(experiment, "experiment")])) === true,
    enable: async (experiment) => {
      await call("enable", [text(experiment, "experiment")]);
    },
    disable: async (experiment) => {
      await call("disable", [text(experiment, "experiment")]);
    },
    readUnit: async (unitId, experiments, stats): Promise<UnitRead> => {
      const [states, read] = await readBatch([
        text(unitId, "unitId"),
        texts(experiments, "experiments"),
        texts(stats, "stats"),
      ]);
      return {
        experiments: states.map(([enabled, variant]) => ({
          enabled,
          variant: variant === null ? undefined : decodeText(variant),
        })),
        stats: read.map(statsFrom),
      };
    },
    assign: async (requests: readonly AssignRequest[]): Promise<readonly AssignResult[]> => {
      if (!Array.isArray(requests)) throw new TypeError(`requests: expected an array, got ${describe(requests)}`);
      if (!requests.length) return [];
      const items = requests.map(({ experiment, unitId, variant, variants }): AssignItem => [
        text(experiment, "experiment"),
        text(unitId, "unitId"),
        text(variant, "variant"),
        texts(variants, "variants"),
      ]);
      const answers = await assignBatch(items);
      return answers.map(([variant, stored]) => ({ variant: decodeText(variant), stored }));
    },
    complete: async (experiment, unitId, reward: Reward, variants) => {
      const { score, success } = reward ?? {};
      if (!(typeof score === "number" && Number.isFinite(score)) || (success !== 0 && success !== 1))
        throw new TypeError(`reward: expected { score: a finite number, success: 0 or 1 }, got ${describe(reward)}`);
      const taken = await completeBatch([
        text(experiment, "experiment"),
        text(unitId, "unitId"),
        score,
        success,
        texts(variants, "variants"),
      ]);
      return taken === null ? undefined : decodeText(taken);
    },
    readStats: async (experiments) => {
      const read = (await call("read_stats", [JSON.stringify(texts(experiments, "experiments"))])) as StoredStats[];
      return read.map(statsFrom);
    },
  };
}

/** Creates this version's schema, tables and functions unless they are all there already. */
async function createSchema(client: PostgresClient, schema: string): Promise<void> {
  const { rows } = await client.query("SELECT to_regprocedure($1)::text AS found", [lastFunction(schema)]);
  if ((rows[0] as { found?: unknown } | undefined)?.found) return;
  // No values: a simple query, so its statements run as one transaction.
  await client.query(setupSql(schema));
}

/** Keeps a pool's 'error' event (an idle connection lost) from crashing the process, unless the application listens. */
function listenForIdleErrors(client: unknown) {
  try {
    const events = client as { on?: unknown; listenerCount?: unknown };
    if (typeof events.on !== "function" || typeof events.listenerCount !== "function") return;
    if ((events.listenerCount as (event: string) => number).call(client, "error") === 0)
      (events.on as (event: string, listener: () => void) => void).call(client, "error", () => {});
  } catch {
    // A client that cannot take a listener has no event to crash on.
  }
}
