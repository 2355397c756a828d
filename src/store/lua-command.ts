import { createHash } from 'node:crypto';
import type { RedisClient } from './redis-client.js';

/** A Lua command as ioredis runs it: the number of keys, the keys, then the arguments. */
export type LuaCommand = (numberOfKeys: number, ...keysAndArgs: (string | number)[]) => Promise<unknown>;

interface LoadedScript {
  source: string;
  sha: string;
}

/** Each script's source and SHA1, made once per process whatever the number of clients. */
const loaded = new Map<string, LoadedScript>();

function load(name: string, source: () => string): LoadedScript {
  let script = loaded.get(name);
  if (!script) {
    const text = source();
    script = { source: text, sha: createHash('sha1').update(text).digest('hex') };
    loaded.set(name, script);
  }
  return script;
}

const isNoScript = (error: unknown) => error instanceof Error && error.message.startsWith('NOSCRIPT');

/**
 * A caller for the Lua script `name`: EVALSHA, then EVAL when Redis does not hold the script (after
 * a restart, SCRIPT FLUSH or on a new cluster node), which also loads it for the next calls.
 * `source` is read on the first call. Plain EVALSHA rather than ioredis' defineCommand: ioredis
 * copies every defined command onto each pipeline it builds, and the auto-pipelined connection
 * builds one per write.
 */
export function luaCommand(redis: RedisClient, name: string, source: () => string): LuaCommand {
  return async (numberOfKeys, ...keysAndArgs) => {
    const script = load(name, source);
    try {
      return await redis.evalsha(script.sha, numberOfKeys, ...keysAndArgs);
    } catch (error) {
      if (!isNoScript(error)) throw error;
      return redis.eval(script.source, numberOfKeys, ...keysAndArgs);
    }
  };
}
