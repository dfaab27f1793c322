/**
 * `prosper-runtime/redis`: the experiment store in Redis, for many app servers sharing one
 * experiment. It takes an ioredis client (a peer dependency of this entry alone) that the
 * application creates and closes; this module imports nothing from ioredis at run time.
 */
export { redisStore, type RedisClient, type RedisStoreOptions } from "./redis/redis-store.js";
export { DEFAULT_REDIS_PREFIX } from "./redis/keys.js";
