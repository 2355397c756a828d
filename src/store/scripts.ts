import { readFileSync } from 'node:fs';
import type { RedisClient } from './redis-client.js';
import { CONFIRMATIONS, confirmationSourcesOf } from '../domain/connect-request-state.js';

const SCRIPT_NAMES = ['createRequests', 'transition', 'recordEvent', 'recordDelivery', 'claimSession', 'accountStatus', 'replaceCredential', 'claimIdempotency', 'createEndpoint', 'disableEndpoint'] as const;
type ScriptName = (typeof SCRIPT_NAMES)[number];

const fileOf: Record<ScriptName, string> = {
  createRequests: 'create-requests.lua',
  transition: 'transition.lua',
  recordEvent: 'record-event.lua',
  recordDelivery: 'record-delivery.lua',
  claimSession: 'claim-session.lua',
  accountStatus: 'account-status.lua',
  replaceCredential: 'replace-credential.lua',
  claimIdempotency: 'claim-idempotency.lua',
  createEndpoint: 'create-endpoint.lua',
  disableEndpoint: 'disable-endpoint.lua',
};

const lib = readFileSync(new URL('./lua/lib.lua', import.meta.url), 'utf8');

/** The confirmation rules of the domain, handed to every script that moves a confirmation. */
export const CONFIRMATION_RULES = Object.fromEntries(CONFIRMATIONS.map((to) => [to, confirmationSourcesOf(to)]));

/** A list from a script's JSON answer: cjson writes an empty Lua table as {}, so an empty list arrives as an object. */
export function luaList<T = string>(value: T[] | Record<string, never> | undefined): T[] {
  return Array.isArray(value) ? value : [];
}

type ScriptCommand = (numberOfKeys: number, ...keysAndArgs: string[]) => Promise<string>;
/** A script call: the keys it touches (all in one slot) and its one JSON argument. */
export type ScriptRunner = Record<ScriptName, (keys: string[], args: unknown) => Promise<string>>;

const defined = new WeakSet<object>();

/**
 * Registers the Lua scripts on a client (EVALSHA with automatic EVAL fallback) and returns typed
 * callers. Every script takes its keys (the first may be a base its other keys start with) and one JSON argument.
 */
export function scripts(redis: RedisClient): ScriptRunner {
  if (!defined.has(redis)) {
    for (const name of SCRIPT_NAMES) {
      const body = readFileSync(new URL(`./lua/${fileOf[name]}`, import.meta.url), 'utf8');
      redis.defineCommand(`al_${name}`, { lua: `${lib}\n${body}` });
    }
    defined.add(redis);
  }
  const commands = redis as unknown as Record<string, ScriptCommand>;
  return Object.fromEntries(
    SCRIPT_NAMES.map((name) => [name, (keys: string[], args: unknown) => commands[`al_${name}`]!.call(redis, keys.length, ...keys, JSON.stringify(args))]),
  ) as ScriptRunner;
}
