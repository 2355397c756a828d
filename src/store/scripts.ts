import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { RedisClient } from './redis-client.js';
import { CONFIRMATIONS, REQUEST_STATUSES, confirmationSourcesOf } from '../domain/connect-request-state.js';
import { ACCOUNT_STATUSES } from '../domain/schemas/account.js';

/** The confirmation rules of the domain, handed to every script that moves a confirmation. */
export const CONFIRMATION_RULES = Object.fromEntries(CONFIRMATIONS.map((to) => [to, confirmationSourcesOf(to)]));

/** A list in a script's JSON answer: cjson writes an empty Lua table as {}, so an empty list arrives as an object. */
const luaArray = <T extends z.ZodType>(item: T) => z.preprocess((v) => (Array.isArray(v) ? v : []), z.array(item));
const hash = z.record(z.string(), z.string());
const requestStatus = z.enum(REQUEST_STATUSES);
const operation = z.enum(['created', 'updated']);

/** What a transition did to one request (transition.lua). */
const transitionReply = z.discriminatedUnion('result', [
  z.object({ result: z.literal('applied'), from: requestStatus, accountId: z.string().optional(), operation: operation.optional(), request: hash.optional(), published: luaArray(z.string()).optional() }),
  z.object({ result: z.literal('rejected'), from: requestStatus, request: hash.optional() }),
  // `recorded` (conflict) or `below` (stale) did not hold: another run recorded an attempt first.
  z.object({ result: z.literal('conflict'), from: requestStatus }),
  z.object({ result: z.literal('stale'), from: requestStatus }),
  z.object({ result: z.literal('missing') }),
]);

/** A request claimed (or not) for validation, with what the validate worker reads (transition.lua with `read`). */
const claimReply = z.object({
  result: z.enum(['applied', 'rejected', 'stale', 'missing']),
  request: hash.optional(),
  attempts: luaArray(z.string()).optional(),
  credential: z.string().optional(),
  tenantAccountId: z.string().optional(),
});

/** Helpers a script may start with, in src/store/lua/helpers; each lists what it needs before it. */
const HELPERS = { 'set-confirmation': [], 'record-event': ['set-confirmation'], 'append-history': [], retention: [] } as const;
type Helper = keyof typeof HELPERS;

interface ScriptSpec<Reply> {
  file: string;
  helpers: Helper[];
  /** How the reply is read: most scripts answer JSON; the rest a plain Redis value. */
  json: boolean;
  reply: z.ZodType<Reply>;
}

const spec = <Reply>(file: string, reply: z.ZodType<Reply>, options: { helpers?: Helper[]; json?: boolean } = {}): ScriptSpec<Reply> => ({
  file,
  reply,
  helpers: options.helpers ?? [],
  json: options.json ?? true,
});

/**
 * Every Lua script, with the reply it answers. Each takes its keys (all in one slot; the first may
 * be the base its other keys start with) and one JSON argument, documented at the top of its file.
 */
const SPECS = {
  createRequests: spec('create-requests.lua', luaArray(z.string())),
  transition: spec('transition.lua', transitionReply, { helpers: ['record-event', 'append-history', 'retention'] }),
  claim: spec('transition.lua', z.array(claimReply), { helpers: ['record-event', 'append-history', 'retention'] }),
  recordEvent: spec('record-event.lua', z.object({ created: z.boolean(), pending: luaArray(z.string()) }), { helpers: ['record-event'] }),
  recordDelivery: spec(
    'record-delivery.lua',
    z.object({ result: z.enum(['applied', 'stale', 'missing']), endpointId: z.string().optional(), confirmedRequestCreatedAt: z.string().optional() }),
    { helpers: ['set-confirmation', 'retention'] },
  ),
  claimSession: spec('claim-session.lua', z.enum(['claimed', 'used', 'missing']), { json: false }),
  accountStatus: spec(
    'account-status.lua',
    z.union([z.object({ result: z.enum(['applied', 'rejected']), from: z.enum(ACCOUNT_STATUSES) }), z.object({ result: z.literal('missing') })]),
    { helpers: ['append-history', 'retention'] },
  ),
  replaceCredential: spec('replace-credential.lua', z.union([z.literal(0), z.literal(1)]), { json: false }),
  claimIdempotency: spec('claim-idempotency.lua', z.object({ state: z.enum(['new', 'existing']), entry: z.string(), claimed: z.boolean() })),
  createEndpoint: spec('create-endpoint.lua', z.union([z.literal(0), z.literal(1)]), { json: false }),
  disableEndpoint: spec('disable-endpoint.lua', z.union([z.literal(0), z.literal(1)]), { json: false }),
};

type Specs = typeof SPECS;
type ReplyOf<S> = S extends ScriptSpec<infer R> ? R : never;
export type ScriptRunner = { [N in keyof Specs]: (keys: string[], args: unknown) => Promise<ReplyOf<Specs[N]>> };

const lua = (path: string) => readFileSync(new URL(`./lua/${path}`, import.meta.url), 'utf8');

/** The helpers a script names, each after what it needs, each once. */
function helperSource(helpers: readonly Helper[], seen = new Set<Helper>()): string {
  return helpers
    .filter((h) => !seen.has(h) && seen.add(h))
    .map((h) => `${helperSource(HELPERS[h], seen)}${lua(`helpers/${h}.lua`)}\n`)
    .join('');
}

type ScriptCommand = (numberOfKeys: number, ...keysAndArgs: string[]) => Promise<unknown>;
const defined = new WeakSet<object>();

/**
 * Registers the Lua scripts on a client (EVALSHA with automatic EVAL fallback) and returns one
 * typed caller per script: keys and JSON argument in, the reply checked against its schema out.
 */
export function scripts(redis: RedisClient): ScriptRunner {
  const names = Object.keys(SPECS) as (keyof Specs)[];
  if (!defined.has(redis)) {
    for (const name of names) redis.defineCommand(`al_${name}`, { lua: `${helperSource(SPECS[name].helpers)}${lua(SPECS[name].file)}` });
    defined.add(redis);
  }
  const commands = redis as unknown as Record<string, ScriptCommand>;
  const caller = <N extends keyof Specs>(name: N) => {
    const { json, reply } = SPECS[name] as ScriptSpec<ReplyOf<Specs[N]>>;
    return async (keys: string[], args: unknown) => {
      const raw = await commands[`al_${name}`]!.call(redis, keys.length, ...keys, JSON.stringify(args));
      return reply.parse(json ? JSON.parse(String(raw)) : raw);
    };
  };
  return Object.fromEntries(names.map((name) => [name, caller(name)])) as ScriptRunner;
}
