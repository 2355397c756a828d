import type { RedisClient } from './redis-client.js';

/** A Lua command as ioredis runs it: the number of keys, the keys, then the arguments. */
export type LuaCommand = (numberOfKeys: number, ...keysAndArgs: (string | number)[]) => Promise<unknown>;

/**
 * Defines `name` on the client once (ioredis sends EVALSHA and falls back to EVAL when Redis lost
 * the script) and returns a caller for it. `source` is read only when the command is first defined.
 */
export function luaCommand(redis: RedisClient, name: string, source: () => string): LuaCommand {
  if (!(name in redis)) redis.defineCommand(name, { lua: source() });
  const command = (redis as unknown as Record<string, LuaCommand>)[name]!;
  return (numberOfKeys, ...keysAndArgs) => command.call(redis, numberOfKeys, ...keysAndArgs);
}
