/** The commands the store sends, as ioredis's `Redis` and `Cluster` clients have them. */
export interface RedisCommands {
  evalsha(sha: string, keyCount: number, ...keysAndArgs: string[]): Promise<unknown>;
  eval(lua: string, keyCount: number, ...keysAndArgs: string[]): Promise<unknown>;
  script(subcommand: "LOAD", lua: string): Promise<unknown>;
  exists(key: string): Promise<number>;
  set(key: string, value: string): Promise<unknown>;
  unlink(...keys: string[]): Promise<number>;
}

/**
 * Runs `lua` by its SHA-1 (EVALSHA), which the server gives when the script is first loaded; until
 * then, and after the server lost its script cache (a restart, SCRIPT FLUSH, a failover), by its
 * text (EVAL), which loads it again. The runtime has no SHA-1 of its own, so the server's is used.
 */
export function luaScript(lua: string) {
  let sha: string | undefined;
  let loading = false;
  const load = (client: RedisCommands) => {
    if (loading) return;
    loading = true;
    // Sent alongside the EVAL, so learning the SHA-1 adds no round trip; failing, the EVALs go on.
    void (async () => {
      try {
        const answer = await client.script("LOAD", lua);
        if (typeof answer === "string") sha = answer;
      } catch {
        // The next call loads it again.
      } finally {
        loading = false;
      }
    })();
  };
  return async (client: RedisCommands, keys: readonly string[], args: readonly string[]): Promise<unknown> => {
    if (sha === undefined) {
      load(client);
      return client.eval(lua, keys.length, ...keys, ...args);
    }
    try {
      return await client.evalsha(sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!String((error as Error)?.message).startsWith("NOSCRIPT")) throw error;
      return client.eval(lua, keys.length, ...keys, ...args);
    }
  };
}
