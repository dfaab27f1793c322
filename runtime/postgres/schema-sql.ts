/**
 * The store's tables and functions, created in the schema the application names. The logic lives
 * in SQL functions so that every store call is one statement and every write is atomic on the
 * server. Their names carry SCHEMA_VERSION: a release that changes what a function does adds
 * `prosper_v2_*` beside it, so that two versions of an application sharing the schema during a
 * deploy each call their own, on the same tables.
 */

/** The version in the functions' names. */
export const SCHEMA_VERSION = 1;

/** A function of this version, by its bare name. */
export const functionName = (name: string) => `prosper_v${SCHEMA_VERSION}_${name}`;

/** PostgreSQL's longest identifier, in bytes (NAMEDATALEN - 1): a longer one is silently cut short. */
const MAX_IDENTIFIER_BYTES = 63;

/** The UTF-8 length of `text`, or -1 when it holds a lone surrogate (which has no UTF-8 form). */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(index + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return -1;
      bytes += 4;
      index++;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) return -1;
    else bytes += unit < 0x80 ? 1 : unit < 0x800 ? 2 : 3;
  }
  return bytes;
}

/** Why `schema` cannot name a PostgreSQL schema, or undefined when it can. */
export function schemaNameProblem(schema: unknown): string | undefined {
  if (typeof schema !== "string") return `schema: expected a string, got a ${typeof schema}`;
  const bytes = utf8Length(schema);
  if (bytes === 0) return "schema: expected a name, got the empty string";
  if (bytes < 0) return "schema: a name with a lone surrogate has no UTF-8 form";
  if (schema.includes("\0")) return "schema: PostgreSQL names cannot hold NUL";
  if (bytes > MAX_IDENTIFIER_BYTES)
    return `schema: PostgreSQL names are at most ${MAX_IDENTIFIER_BYTES} bytes, got ${bytes}: a longer one would be cut short`;
  return undefined;
}

/** `name` as a quoted identifier: any name is one, a double quote inside doubled. */
export const quoteIdentifier = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Serialises schema set-ups across processes and schemas (CREATE ... IF NOT EXISTS and CREATE OR
 * REPLACE race with themselves). One bigint key, apart from the two-int keys of the experiments.
 */
const SETUP_LOCK = 0x70_72_6f_73_70_65_72; // "prosper"

/**
 * Takes the experiments' locks, in one order so that writers never deadlock one another, and gives
 * the ones that are enabled. Writers share each experiment's lock and `disable` takes it alone, so
 * a write that saw the experiment enabled is committed before `disable` deletes, and a write that
 * comes after it sees it disabled: a write in flight cannot bring state back. (Advisory locks, not
 * row locks: shared row locks on one hot row would make a MultiXact per write.)
 */
const LOCK_ENABLED = (names: string) => `
  PERFORM pg_advisory_xact_lock_shared(hashtext(current_schema()), key)
     FROM (SELECT DISTINCT hashtext(name) AS key FROM unnest(${names}) AS name ORDER BY 1) AS keys;
  -- A statement after the locks: READ COMMITTED gives it a snapshot that sees a committed disable.
  live := ARRAY(SELECT name FROM experiments WHERE name = ANY(${names}) AND enabled);`;

/**
 * Which of a variant's rows of counts this connection adds to. With one row per variant, every
 * transaction that counts a variant would wait for the one before it to commit (an fsync), and a
 * variant could take only about a thousand assignments a second, however many app servers there
 * are; spread over SHARDS rows, by connection, they commit side by side. Reads add the rows up.
 */
const SHARDS = 16;
const SHARD = `(pg_backend_pid() % ${SHARDS})::smallint`;

/**
 * Every function runs with the store's schema as its search path (set outside the body, so that
 * no name is ever written into SQL text unquoted), and with floats written exactly.
 */
const settings = (schema: string) => `SET search_path = ${schema}, pg_temp SET extra_float_digits = 3`;

const functions = (s: string) => [
  // Unit ids up to the runtime's 4096 characters; a b-tree entry holds about 2700 bytes.
  `CREATE OR REPLACE FUNCTION ${s}.${functionName("unit_key")}(unit text) RETURNS text
   LANGUAGE sql IMMUTABLE PARALLEL SAFE ${settings(s)} AS $body$
     SELECT CASE WHEN octet_length(unit) <= 256 THEN unit
       ELSE 'sha256:' || encode(sha256(convert_to(unit, 'UTF8')), 'hex') END
   $body$`,

  `CREATE OR REPLACE FUNCTION ${s}.${functionName("stats_of")}(experiment_name text) RETURNS json
   LANGUAGE sql STABLE ${settings(s)} AS $body$
     SELECT coalesce(json_object_agg(variant, json_build_array(assigned, count, sum, successes)), '{}'::json)
       FROM (SELECT variant, sum(assigned)::bigint AS assigned, sum(count)::bigint AS count, sum(sum) AS sum,
                    sum(successes)::bigint AS successes
               FROM arm_stats WHERE experiment = experiment_name GROUP BY variant) AS arms
   $body$`,

  // Every answer is JSON text, parsed by the store: whatever type parsers the application's client has.
  `CREATE OR REPLACE FUNCTION ${s}.${functionName("is_enabled")}(experiment_name text) RETURNS text
   LANGUAGE sql STABLE ${settings(s)} AS $body$
     SELECT coalesce((SELECT enabled FROM experiments WHERE name = experiment_name), false)::text
   $body$`,

  `CREATE OR REPLACE FUNCTION ${s}.${functionName("enable")}(experiment_name text) RETURNS text
   LANGUAGE sql ${settings(s)} AS $body$
     INSERT INTO experiments AS e (name, enabled) VALUES (experiment_name, true)
       ON CONFLICT (name) DO UPDATE SET enabled = true WHERE NOT e.enabled;
     SELECT 'true'
   $body$`,

  // Alone on the experiment's lock, so no write to it is in flight; each statement then sees them all.
  `CREATE OR REPLACE FUNCTION ${s}.${functionName("disable")}(experiment_name text) RETURNS text
   LANGUAGE plpgsql ${settings(s)} AS $body$
   BEGIN
     PERFORM pg_advisory_xact_lock(hashtext(current_schema()), hashtext(experiment_name));
     DELETE FROM assignments WHERE experiment = experiment_name;
     DELETE FROM arm_stats WHERE experiment = experiment_name;
     DELETE FROM experiments WHERE name = experiment_name;
     RETURN 'true';
   END
   $body$`,

  // [[enabled, variant or null] per experiment, in order], [stats per experiment of stats_names, in order]
  `CREATE OR REPLACE FUNCTION ${s}.${functionName("read_unit")}(unit text, names jsonb, stats_names jsonb)
   RETURNS json LANGUAGE sql STABLE ${settings(s)} AS $body$
     SELECT json_build_array(
       (SELECT coalesce(json_agg(json_build_array(coalesce(e.enabled, false), a.variant) ORDER BY n.i), '[]'::json)
          FROM jsonb_array_elements_text(names) WITH ORDINALITY AS n(name, i)
          LEFT JOIN experiments e ON e.name = n.name
          LEFT JOIN assignments a ON a.experiment = n.name AND a.unit_key = ${functionName("unit_key")}(unit)),
       (SELECT coalesce(json_agg(${functionName("stats_of")}(n.name) ORDER BY n.i), '[]'::json)
          FROM jsonb_array_elements_text(stats_names) WITH ORDINALITY AS n(name, i)))
   $body$`,

  // requests: [[unit, names, stats_names], ...] -> what read_unit gives for each, in order.
  `CREATE OR REPLACE FUNCTION ${s}.${functionName("read_units")}(requests jsonb) RETURNS text
   LANGUAGE sql STABLE ${settings(s)} AS $body$
     SELECT coalesce(json_agg(${functionName("read_unit")}(r->>0, r->1, r->2) ORDER BY i), '[]'::json)::text
       FROM jsonb_array_elements(requests) WITH ORDINALITY AS t(r, i)
   $body$`,

  `CREATE OR REPLACE FUNCTION ${s}.${functionName("read_stats")}(names jsonb) RETURNS text
   LANGUAGE sql STABLE ${settings(s)} AS $body$
     SELECT coalesce(json_agg(${functionName("stats_of")}(n.name) ORDER BY n.i), '[]'::json)::text
       FROM jsonb_array_elements_text(names) WITH ORDINALITY AS n(name, i)
   $body$`,

  // requests: [[experiment, unit, variant, [variants]], ...] -> [[variant, stored], ...] in order.
  // Rows are taken in (experiment, unit) order and the counts added last, in (experiment, variant)
  // order, so that concurrent batches lock rows in one order and never deadlock.
  `CREATE OR REPLACE FUNCTION ${s}.${functionName("assign")}(requests jsonb) RETURNS text
   LANGUAGE plpgsql ${settings(s)} AS $body$
   DECLARE
     request record;
     live text[];
     existing text;
     kept text;
     stored boolean;
     results jsonb[] := array_fill(NULL::jsonb, ARRAY[jsonb_array_length(requests)]);
     grown_experiments text[] := '{}';
     grown_variants text[] := '{}';
   BEGIN
     ${LOCK_ENABLED("ARRAY(SELECT r->>0 FROM jsonb_array_elements(requests) AS r)")}
     FOR request IN
       SELECT r->>0 AS experiment, ${functionName("unit_key")}(r->>1) AS unit, r->>2 AS variant, r->3 AS variants, i
         FROM jsonb_array_elements(requests) WITH ORDINALITY AS t(r, i) ORDER BY 1, 2, 5
     LOOP
       kept := request.variant;
       stored := false;
       IF request.experiment = ANY(live) THEN
         LOOP
           INSERT INTO assignments (experiment, unit_key, variant) VALUES (request.experiment, request.unit, request.variant)
             ON CONFLICT DO NOTHING;
           IF FOUND THEN stored := true; EXIT; END IF;
           SELECT variant INTO existing FROM assignments
             WHERE experiment = request.experiment AND unit_key = request.unit FOR UPDATE;
           -- Completed between the two statements: insert again.
           CONTINUE WHEN NOT FOUND;
           IF request.variants ? existing THEN
             kept := existing;
           ELSE
             UPDATE assignments SET variant = request.variant
               WHERE experiment = request.experiment AND unit_key = request.unit;
             stored := true;
           END IF;
           EXIT;
         END LOOP;
       END IF;
       IF stored THEN
         grown_experiments := grown_experiments || request.experiment;
         grown_variants := grown_variants || request.variant;
       END IF;
       results[request.i] := jsonb_build_array(kept, stored);
     END LOOP;
     INSERT INTO arm_stats AS a (experiment, variant, shard, assigned)
       SELECT e, v, ${SHARD}, count(*) FROM unnest(grown_experiments, grown_variants) AS g(e, v) GROUP BY e, v ORDER BY e, v
       ON CONFLICT (experiment, variant, shard) DO UPDATE SET assigned = a.assigned + excluded.assigned;
     RETURN array_to_json(results)::text;
   END
   $body$`,

  // requests: [[experiment, unit, score, success, [variants]], ...] -> [variant taken or null, ...] in order.
  `CREATE OR REPLACE FUNCTION ${s}.${functionName("complete")}(requests jsonb) RETURNS text
   LANGUAGE plpgsql ${settings(s)} AS $body$
   DECLARE
     request record;
     live text[];
     taken text;
     results text[] := array_fill(NULL::text, ARRAY[jsonb_array_length(requests)]);
     rewarded_experiments text[] := '{}';
     rewarded_variants text[] := '{}';
     scores double precision[] := '{}';
     wins integer[] := '{}';
   BEGIN
     ${LOCK_ENABLED("ARRAY(SELECT r->>0 FROM jsonb_array_elements(requests) AS r)")}
     FOR request IN
       SELECT r->>0 AS experiment, ${functionName("unit_key")}(r->>1) AS unit, (r->>2)::double precision AS score,
              (r->>3)::integer AS success, r->4 AS variants, i
         FROM jsonb_array_elements(requests) WITH ORDINALITY AS t(r, i) ORDER BY 1, 2, 6
     LOOP
       DELETE FROM assignments WHERE experiment = request.experiment AND unit_key = request.unit
         RETURNING variant INTO taken;
       IF FOUND THEN
         results[request.i] := taken;
         IF request.experiment = ANY(live) AND request.variants ? taken THEN
           rewarded_experiments := rewarded_experiments || request.experiment;
           rewarded_variants := rewarded_variants || taken;
           scores := scores || request.score;
           wins := wins || request.success;
         END IF;
       END IF;
     END LOOP;
     INSERT INTO arm_stats AS a (experiment, variant, shard, count, sum, successes)
       SELECT e, v, ${SHARD}, count(*), sum(score), sum(success)
         FROM unnest(rewarded_experiments, rewarded_variants, scores, wins) AS g(e, v, score, success)
         GROUP BY e, v ORDER BY e, v
       ON CONFLICT (experiment, variant, shard) DO UPDATE
         SET count = a.count + excluded.count, sum = a.sum + excluded.sum, successes = a.successes + excluded.successes;
     RETURN array_to_json(results)::text;
   END
   $body$`,
];

/** The function whose presence says that this version's set-up is complete (it is created last). */
export const lastFunction = (schema: string) => `${quoteIdentifier(schema)}.${functionName("complete")}(jsonb)`;

/**
 * The set-up, as one multi-statement simple query: one transaction, so that it is all there or
 * none of it is, under a lock so that many processes starting at once take turns.
 */
export function setupSql(schema: string): string {
  const s = quoteIdentifier(schema);
  return [
    `SELECT pg_advisory_xact_lock(${SETUP_LOCK})`,
    `CREATE SCHEMA IF NOT EXISTS ${s}`,
    `CREATE TABLE IF NOT EXISTS ${s}.experiments (
       name text PRIMARY KEY,
       enabled boolean NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS ${s}.assignments (
       experiment text NOT NULL,
       unit_key text NOT NULL,
       variant text NOT NULL,
       PRIMARY KEY (experiment, unit_key))`,
    `CREATE TABLE IF NOT EXISTS ${s}.arm_stats (
       experiment text NOT NULL,
       variant text NOT NULL,
       shard smallint NOT NULL,
       assigned bigint NOT NULL DEFAULT 0,
       count bigint NOT NULL DEFAULT 0,
       sum double precision NOT NULL DEFAULT 0,
       successes bigint NOT NULL DEFAULT 0,
       PRIMARY KEY (experiment, variant, shard))`,
    ...functions(s),
  ].join(";\n");
}
