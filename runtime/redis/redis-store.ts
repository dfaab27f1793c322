import type { Cluster, Redis } from "ioredis";
import { describe, messageOf } from "../describe.js";
import type { AssignRequest, AssignResult, ExperimentStore, Reward } from "../experiments/store.js";
import { DEFAULT_REDIS_PREFIX, experimentKeys, storable } from "./keys.js";
import { listOf, statsOf, variantOf } from "./replies.js";
import { luaScript, type RedisCommands } from "./run-script.js";
import { ASSIGN, COMPLETE, READ_STATS, READ_UNIT } from "./scripts.js";
import { tickBatches } from "./tick-batches.js";

/** An ioredis client, standalone or Cluster, in either reply mapping: the store's replies are the same in both. */
export type RedisClient = Redis<"legacy"> | Redis<"resp3"> | Cluster<"legacy"> | Cluster<"resp3">;

export interface RedisStoreOptions {
  /**
   * The first part of every key, "prosper" by default. Apps sharing a server each take their own;
   * in a Redis Cluster, make it a hash tag (`{myapp}`) so that the one-round-trip scripts, which
   * span experiments, find all their keys in one slot.
   */
  readonly prefix?: string | undefined;
}

/**
 * The most requests one script takes: a batch of 1,000 completions runs in about 2 ms on the
 * server, and a bigger one would hold up every other client for longer without going faster.
 * (Lua's unpack, which writes a batch's fields in one command, also stops at about 8,000 values.)
 */
const BATCH_SIZE = 1000;

interface Completion {
  readonly experiment: string;
  readonly unitId: string;
  readonly reward: Reward;
  readonly variants: readonly string[];
}

/** Whether Redis Cluster hashes `key` by a tag inside it: a `{`, then at least one character before the next `}`. */
function hasHashTag(key: string): boolean {
  const open = key.indexOf("{");
  return open >= 0 && key.indexOf("}", open + 1) > open + 1;
}

/**
 * A batch as the scripts take it: KEYS, each experiment's three keys once; ARGV, each distinct
 * variant list once, then per request its experiment's number, its list's number and `perRequest`.
 */
function batchOf<Request extends { readonly experiment: string; readonly variants: readonly string[] }>(
  prefix: string,
  requests: readonly Request[],
  perRequest: (request: Request) => readonly string[],
) {
  const keys: string[] = [];
  const lists: string[] = [];
  const rest: string[] = [];
  const experimentNumbers = new Map<string, string>();
  // By identity: the client passes each experiment's one list of names, so this finds every repeat.
  const listNumbers = new Map<readonly string[], string>();
  for (const request of requests) {
    let experiment = experimentNumbers.get(request.experiment);
    if (experiment === undefined) {
      experimentNumbers.set(request.experiment, (experiment = String(experimentNumbers.size + 1)));
      const { enabled, assignments, stats } = experimentKeys(prefix, request.experiment);
      keys.push(enabled, assignments, stats);
    }
    let list = listNumbers.get(request.variants);
    if (list === undefined) {
      listNumbers.set(request.variants, (list = String(listNumbers.size + 1)));
      lists.push(String(request.variants.length), ...request.variants.map(storable));
    }
    rest.push(experiment, list, ...perRequest(request));
  }
  return { keys, args: [String(listNumbers.size), ...lists, ...rest] };
}

/**
 * An experiment store in Redis (4.0 or later; tested with 7.0), on an ioredis client that the
 * application creates, configures and closes. Every write is one Lua script, so it is atomic;
 * `readUnit` is one script for any number of experiments, a batch of `assign`s is one, and the
 * completions asked for in the same tick are sent together, up to 1,000 to a script. A method
 * never throws: it rejects, and the experiments client reports that and serves its fallback.
 *
 * Keys, for a prefix P (default `prosper`) and an experiment E:
 * - `P:{E}:enabled`: a string, "1", present while E is enabled;
 * - `P:{E}:assignments`: a hash, unit id → variant name, of the units assigned and not yet completed;
 * - `P:{E}:stats`: a hash of `assigned:<variant>`, `count:<variant>`, `successes:<variant>`
 *   (integers) and `sum:<variant>` (a float), each only ever incremented; a variant without a
 *   field counts zero.
 * The braces are a Cluster hash tag, so one experiment's keys share a slot. The scripts for a unit
 * or a batch span experiments, though: on a Redis Cluster give a prefix that is itself a hash tag
 * (`{prosper}`), which puts every key of the store in one slot (checked: another prefix rejects
 * every call with why). Names and unit ids are written as they are, except one that is not
 * well-formed UTF-16 (a lone surrogate) or that starts with NUL: that one is written as NUL and
 * its JSON, so no two share a key or a field. `disable` deletes the three keys in one UNLINK,
 * which frees them in the background however many units were assigned.
 *
 * @example
 * // Fail fast in an outage rather than queue: see the README on client options.
 * const redis = new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: 0, retryStrategy: () => 100 });
 * const experiments = createExperiments(documents, { store: redisStore(redis, { prefix: "shop" }) });
 */
export function redisStore(client: RedisClient, options: RedisStoreOptions = {}): ExperimentStore {
  const redis = client as unknown as RedisCommands;
  let prefix: string = DEFAULT_REDIS_PREFIX;
  let problem: string | undefined;
  try {
    prefix = (options as RedisStoreOptions | undefined)?.prefix ?? DEFAULT_REDIS_PREFIX;
    problem =
      typeof redis?.evalsha !== "function" || typeof redis.eval !== "function"
        ? `redisStore: expected an ioredis client, got ${describe(client)}`
        : typeof prefix !== "string" || prefix === ""
          ? `redisStore: prefix: expected a non-empty string, got ${describe(prefix)}`
          : (client as { isCluster?: unknown }).isCluster === true && !hasHashTag(prefix)
            ? `redisStore: on a Redis Cluster, the prefix must be a hash tag such as "{${prefix}}", so that one script reaches every experiment's keys; got ${describe(prefix)}`
            : undefined;
  } catch (error) {
    // A client or options object whose properties throw when read.
    problem = `redisStore: cannot read the client or options: ${messageOf(error)}`;
  }
  /** The client, once known to be usable. Called inside async methods: a bad one rejects every call with why. */
  const usable = () => {
    if (problem) throw new TypeError(problem);
    return redis;
  };
  const keysOf = (experiment: string) => experimentKeys(prefix, experiment);
  const readUnit = luaScript(READ_UNIT);
  const readStats = luaScript(READ_STATS);
  const assign = luaScript(ASSIGN);
  const complete = luaScript(COMPLETE);

  const assignBatch = async (requests: readonly AssignRequest[]): Promise<AssignResult[]> => {
    const commands = usable();
    const { keys, args } = batchOf(prefix, requests, ({ unitId, variant }) => [storable(unitId), storable(variant)]);
    const answers = listOf(await assign(commands, keys, args), "assign", requests.length);
    return answers.map((answer, index) => {
      const asked = requests[index]!.variant;
      if (answer === 1) return { variant: asked, stored: true };
      return { variant: answer === 0 ? asked : variantOf(answer)!, stored: false };
    });
  };

  const completeBatch = tickBatches(BATCH_SIZE, async (completions: readonly Completion[]) => {
    const commands = usable();
    const { keys, args } = batchOf(prefix, completions, ({ unitId, reward }) => [
      storable(unitId),
      String(reward.score),
      reward.success === 1 ? "1" : "0",
    ]);
    return listOf(await complete(commands, keys, args), "complete", completions.length).map(variantOf);
  });

  return {
    isEnabled: async (experiment) => {
      const commands = usable();
      return (await commands.exists(keysOf(experiment).enabled)) === 1;
    },
    enable: async (experiment) => {
      const commands = usable();
      await commands.set(keysOf(experiment).enabled, "1");
    },
    disable: async (experiment) => {
      const commands = usable();
      const { enabled, assignments, stats } = keysOf(experiment);
      // One command, so atomic: a write cannot land between the flag and the data.
      await commands.unlink(enabled, assignments, stats);
    },
    readUnit: async (unitId, experiments, stats) => {
      const commands = usable();
      const keys = experiments.flatMap((experiment) => {
        const { enabled, assignments } = keysOf(experiment);
        return [enabled, assignments];
      });
      keys.push(...stats.map((experiment) => keysOf(experiment).stats));
      const reply = listOf(
        await readUnit(commands, keys, [storable(unitId), String(experiments.length)]),
        "readUnit",
        2 + stats.length,
      );
      const enabled = listOf(reply[0], "readUnit's enabled flags", experiments.length);
      const variants = listOf(reply[1], "readUnit's variants", experiments.length);
      return {
        experiments: enabled.map((flag, index) => ({ enabled: flag === 1, variant: variantOf(variants[index]) })),
        stats: reply.slice(2).map(statsOf),
      };
    },
    assign: async (requests) => {
      usable();
      const chunks: Promise<AssignResult[]>[] = [];
      for (let start = 0; start < requests.length; start += BATCH_SIZE)
        chunks.push(assignBatch(requests.slice(start, start + BATCH_SIZE)));
      return (await Promise.all(chunks)).flat();
    },
    complete: async (experiment, unitId, reward, variants) => {
      usable();
      // Checked here, so that one bad score fails its own call and not the batch it would join.
      const score = reward?.score;
      if (!(typeof score === "number" && score >= 0 && score <= 1))
        throw new RangeError(`complete: the score must be a number in [0, 1], got ${describe(score)}`);
      return completeBatch({ experiment, unitId, reward, variants });
    },
    readStats: async (experiments) => {
      const commands = usable();
      const keys = experiments.map((experiment) => keysOf(experiment).stats);
      return listOf(await readStats(commands, keys, []), "readStats", experiments.length).map(statsOf);
    },
  };
}
