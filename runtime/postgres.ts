/**
 * The PostgreSQL experiment store: `prosper-runtime/postgres`.
 *
 * It takes the application's own client (a `pg` Pool) and imports nothing from it, so this entry
 * costs nothing beyond prosper itself and the core runtime stays free of dependencies.
 *
 * What it creates, in the schema the application names ("prosper" by default), if missing:
 * - `experiments (name text PRIMARY KEY, enabled boolean)`: a row per enabled experiment;
 * - `assignments (experiment text, unit_key text, variant text, PRIMARY KEY (experiment, unit_key))`:
 *   the unit id itself, or `sha256:<hex>` of one over 256 bytes;
 * - `arm_stats (experiment text, variant text, shard smallint, assigned bigint, count bigint,
 *   sum double precision, successes bigint, PRIMARY KEY (experiment, variant, shard))`: only ever
 *   incremented, on the server; a variant's counts are the sum of its (up to 16) shards' rows;
 * - the functions `prosper_v1_*` that the store calls, one statement each.
 * Names holding NUL or a lone surrogate, which `text` cannot hold, are stored escaped (U+0001, then hex).
 */
export {
  postgresStore,
  type PostgresClient,
  type PostgresStore,
  type PostgresStoreOptions,
} from "./postgres/postgres-store.js";
export { SCHEMA_VERSION } from "./postgres/schema-sql.js";
