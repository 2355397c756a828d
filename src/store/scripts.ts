import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { RedisClient } from './redis-client.js';
import { CONFIRMATIONS, REQUEST_STATUSES, confirmationSourcesOf } from '../domain/connect-request-state.js';
import { ACCOUNT_STATUSES } from '../domain/schemas/account.js';
import { luaKeyBuilders } from './lua-key-builders.js';
import { luaCommand } from './lua-command.js';

/**
 * The typed layer over the Lua scripts in src/store/lua: one spec per script names its KEYS in order,
 * its helpers and its reply schema; `scripts()` gives one caller per script that takes the keys by
 * name, encodes the argument as JSON and checks the reply.
 *
 * Where a script's keys come from (the key layout is written once, in keys.ts):
 * - Every key known before the script runs is built in TypeScript with keys.ts and passed in KEYS,
 *   as BullMQ's commands do and as Redis Cluster expects. A script over several records (a shard's
 *   requests, an event's messages) takes one group of keys per record (`each`; in Lua `eachKeys(i)`).
 * - A key that depends on data the script reads (the account behind a tenant's pointer, the batch a
 *   request names, the ids an event was recorded as) is built in Lua from the shard base passed in
 *   KEYS with `K.<name>(base, …)`: lua-key-builders.ts generates `K` from keys.ts' own `key`.
 * - No script writes a key by concatenation; a new key is added to `key` in keys.ts.
 */

/**
 * The confirmation rules of the domain as a Lua table, `{[to] = {allowed sources}}`, written into the
 * scripts that move a confirmation (helpers/set-confirmation.lua) rather than sent with every call.
 */
const confirmationRulesSource = () =>
  `local CONFIRMATION_RULES = {${CONFIRMATIONS.map((to) => `${to} = {${confirmationSourcesOf(to).map((from) => `'${from}'`).join(', ')}}`).join(', ')}}\n`;

function isStringRecord(value: unknown): value is Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const field in value) if (typeof (value as Record<string, unknown>)[field] !== 'string') return false;
  return true;
}

/** A list in a script's JSON answer: cjson writes an empty Lua table as {}, so an empty list arrives as an object. */
const luaArray = <T extends z.ZodType>(item: T) => z.preprocess((v) => (Array.isArray(v) ? v : []), z.array(item));
/**
 * A Redis hash as a script answers it. Checked by a predicate rather than z.record(z.string(),
 * z.string()), which took ~3.4 µs for a request's ten fields against ~0.4 µs: claim answers one per
 * request of a job.
 */
const hash = z.custom<Record<string, string>>(isStringRecord, 'expected a Redis hash (an object of strings)');
const requestStatus = z.enum(REQUEST_STATUSES);
const operation = z.enum(['created', 'updated']);

/** What a move did to one request (move.lua, finish-request.lua). */
const transitionReply = z.discriminatedUnion('result', [
  z.object({ result: z.literal('applied'), from: requestStatus, accountId: z.string().optional(), operation: operation.optional(), request: hash.optional(), published: luaArray(z.string()).optional() }),
  z.object({ result: z.literal('rejected'), from: requestStatus, request: hash.optional() }),
  // `recorded` (conflict) or `below` (stale) did not hold: another run recorded an attempt first.
  z.object({ result: z.literal('conflict'), from: requestStatus }),
  z.object({ result: z.literal('stale'), from: requestStatus }),
  z.object({ result: z.literal('missing') }),
]);

/** A request claimed (or not) for validation, with what the validate worker reads (claim.lua). */
const claimReply = z.object({
  result: z.enum(['applied', 'rejected', 'stale', 'missing']),
  request: hash.optional(),
  attempts: luaArray(z.string()).optional(),
  credential: z.string().optional(),
  tenantAccountId: z.string().optional(),
});

/** Helpers a script may start with, in src/store/lua/helpers; each lists what it needs before it. */
const HELPERS = { 'set-confirmation': [], 'record-event': ['set-confirmation'], 'append-history': [], retention: [], 'move-request': [] } as const;
type Helper = keyof typeof HELPERS;

interface ScriptSpec<Key extends string, Each extends string, Reply> {
  file: string;
  /** Its KEYS, in this order (named the same at the top of its file). */
  keys: readonly Key[];
  /** A script over several records (requests, messages): each record's keys, in this order, one group per record after `keys`. */
  each: readonly Each[];
  helpers: Helper[];
  /** How the reply is read: most scripts answer JSON; the rest a plain Redis value. */
  json: boolean;
  reply: z.ZodType<Reply>;
}

const spec = <const Key extends string, Reply, const Each extends string = never>(
  file: string,
  keys: readonly Key[],
  reply: z.ZodType<Reply>,
  options: { each?: readonly Each[]; helpers?: Helper[]; json?: boolean } = {},
): ScriptSpec<Key, Each, Reply> => ({ file, keys, reply, each: options.each ?? [], helpers: options.helpers ?? [], json: options.json ?? true });

/** Every Lua script, with its KEYS and the reply it answers; each takes one JSON argument, documented at the top of its file. */
export const SCRIPT_SPECS = {
  createRequests: spec('create-requests.lua', ['requests', 'queued', 'batch', 'batchRequests', 'expiry'], luaArray(z.string()), {
    each: ['request', 'credential', 'inflight', 'tenantRequests'],
  }),
  claim: spec('claim.lua', ['base', 'target'], z.array(claimReply), { each: ['request', 'attempts', 'credential'], helpers: ['move-request'] }),
  move: spec('move.lua', ['base', 'request', 'attempts', 'target'], transitionReply, { helpers: ['move-request'] }),
  finishRequest: spec(
    'finish-request.lua',
    ['base', 'request', 'attempts', 'target', 'credential', 'expiry', 'accounts', 'activeAccounts', 'event', 'messages'],
    transitionReply,
    { each: ['message', 'body'], helpers: ['move-request', 'record-event', 'append-history', 'retention'] },
  ),
  recordEvent: spec('record-event.lua', ['base', 'event', 'messages', 'request'], z.object({ created: z.boolean(), pending: luaArray(z.string()) }), {
    each: ['message', 'body'],
    helpers: ['record-event'],
  }),
  recordDelivery: spec(
    'record-delivery.lua',
    ['base', 'message', 'attempts', 'body', 'expiry'],
    z.object({ result: z.enum(['applied', 'stale', 'missing']), endpointId: z.string().optional(), confirmedRequestCreatedAt: z.string().optional() }),
    { helpers: ['set-confirmation', 'retention'] },
  ),
  claimSession: spec('claim-session.lua', ['session'], z.enum(['claimed', 'used', 'missing']), { json: false }),
  accountStatus: spec(
    'account-status.lua',
    ['base', 'account', 'credential', 'history', 'target', 'expiry'],
    z.union([z.object({ result: z.enum(['applied', 'rejected']), from: z.enum(ACCOUNT_STATUSES) }), z.object({ result: z.literal('missing') })]),
    { helpers: ['append-history', 'retention'] },
  ),
  replaceCredential: spec('replace-credential.lua', ['credential'], z.union([z.literal(0), z.literal(1)]), { json: false }),
  claimIdempotency: spec('claim-idempotency.lua', ['entry', 'lease'], z.object({ state: z.enum(['new', 'existing']), entry: z.string(), claimed: z.boolean() })),
  createEndpoint: spec('create-endpoint.lua', ['endpoints', 'endpoint', 'version'], z.union([z.literal(0), z.literal(1)]), { json: false }),
  disableEndpoint: spec('disable-endpoint.lua', ['endpoint', 'version'], z.union([z.literal(0), z.literal(1)]), { json: false }),
};

type Specs = typeof SCRIPT_SPECS;
/** A script's keys by name; a script over several records adds `each`, one entry per record. */
type KeysOf<S> = S extends ScriptSpec<infer Key, infer Each, unknown>
  ? Record<Key, string> & ([Each] extends [never] ? unknown : { each: Record<Each, string>[] })
  : never;
type AnySpec = ScriptSpec<string, string, unknown>;
/** Keys by name, as a caller passes them (see KeysOf). */
type NamedKeys = Record<string, string> & { each?: Record<string, string>[] };
type ReplyOf<S> = S extends ScriptSpec<string, string, infer R> ? R : never;
export type ScriptRunner = { [N in keyof Specs]: (keys: KeysOf<Specs[N]>, args: unknown) => Promise<ReplyOf<Specs[N]>> };

const lua = (path: string) => readFileSync(new URL(`./lua/${path}`, import.meta.url), 'utf8');

/** The helpers a script names, each after what it needs, each once. */
function helperSource(helpers: readonly Helper[], seen = new Set<Helper>()): string {
  return helpers
    .filter((h) => !seen.has(h) && seen.add(h))
    .map((h) => `${helperSource(HELPERS[h], seen)}${lua(`helpers/${h}.lua`)}\n`)
    .join('');
}

/** `eachKeys(i)`: the keys of the i-th record of a script over several records, in `each` order. */
const eachKeysSource = (fixed: number, size: number) =>
  `local function eachKeys(i)\n  local at = ${fixed} + (i - 1) * ${size}\n  return unpack(KEYS, at + 1, at + ${size})\nend\n`;

/** A script as Redis runs it: the key builders it uses, the confirmation rules if it moves a confirmation, eachKeys for a script over several records, its helpers, itself. */
export function scriptSource({ file, keys, each, helpers }: AnySpec): string {
  const body = `${helperSource(helpers)}${lua(file)}`;
  const rules = /\bCONFIRMATION_RULES\b/.test(body) ? confirmationRulesSource() : '';
  return `${luaKeyBuilders(body)}${rules}${each.length ? eachKeysSource(keys.length, each.length) : ''}${body}`;
}

/** KEYS in the declared order: the script's own, then each record's. */
function keysOf({ keys, each }: AnySpec, named: NamedKeys): string[] {
  // Loops, not map/flatMap: this runs on every script call, several per link.
  const out: string[] = [];
  for (const k of keys) out.push(named[k]!);
  for (const group of named.each ?? []) for (const k of each) out.push(group[k]!);
  return out;
}

/**
 * Registers the Lua scripts on a client (EVALSHA with automatic EVAL fallback) and returns one
 * typed caller per script: named keys and JSON argument in, the reply checked against its schema out.
 */
export function scripts(redis: RedisClient): ScriptRunner {
  const names = Object.keys(SCRIPT_SPECS) as (keyof Specs)[];
  const caller = (name: keyof Specs, script: AnySpec) => {
    const command = luaCommand(redis, `al_${name}`, () => scriptSource(script));
    return async (named: NamedKeys, args: unknown) => {
      const keys = keysOf(script, named);
      const raw = await command(keys.length, ...keys, JSON.stringify(args));
      return script.reply.parse(script.json ? JSON.parse(String(raw)) : raw);
    };
  };
  // The one cast of the layer: each caller takes its script's KeysOf and answers what its spec's
  // schema parsed, which ScriptRunner states per script and a map built by name cannot.
  return Object.fromEntries(names.map((name) => [name, caller(name, SCRIPT_SPECS[name])])) as unknown as ScriptRunner;
}
