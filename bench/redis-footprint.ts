import type { RedisClient } from '../src/store/redis-client.js';
import { queuePrefix } from '../src/store/keys.js';
import { prefixKeyPages } from '../src/store/prefix-keys.js';

/** What a key holds, read from its name (src/store/keys.ts). */
export const FOOTPRINT_GROUPS = ['accounts', 'requests', 'messages', 'batches', 'sessions', 'retention', 'platform', 'queues'] as const;
export type FootprintGroup = (typeof FOOTPRINT_GROUPS)[number];

export interface Footprint {
  keys: number;
  bytes: number;
  groups: Record<FootprintGroup, { keys: number; bytes: number }>;
}

const RULES: [RegExp, FootprintGroup][] = [
  [/^(acc:|acc-by-tenant:|idx:acc)/, 'accounts'],
  [/^(cr:|cred:|idx:cr|inflight:|evt:result:)/, 'requests'],
  [/^(msg:|idx:msg|evt:)/, 'messages'],
  [/^bat:/, 'batches'],
  [/^cs:/, 'sessions'],
  [/^exp$/, 'retention'],
];

function groupOf(name: string, prefix: string): FootprintGroup {
  if (name.startsWith(queuePrefix(prefix))) return 'queues';
  // Records live under `<prefix>:{<platform>}:` or, sharded, `<prefix>:{<shard tag>}:<platform>:`;
  // what follows says what they are.
  const rest = name.slice(name.indexOf('}:') + 2);
  const ofRest = (text: string) => RULES.find(([pattern]) => pattern.test(text))?.[1];
  return ofRest(rest) ?? ofRest(rest.slice(rest.indexOf(':') + 1)) ?? 'platform';
}

/**
 * Bytes of every key a service with this prefix wrote, by `MEMORY USAGE key SAMPLES 0` (exact for
 * aggregates, overhead included), grouped by what the keys hold. Other users of the same Redis do
 * not blur it, as INFO's used_memory would. On a cluster every master is read.
 */
export async function redisFootprint(redis: RedisClient, prefix: string): Promise<Footprint> {
  const groups = Object.fromEntries(FOOTPRINT_GROUPS.map((g) => [g, { keys: 0, bytes: 0 }])) as Footprint['groups'];
  for await (const { node, keys } of prefixKeyPages(redis, prefix, 2000)) {
    const pipeline = node.pipeline();
    for (const name of keys) pipeline.call('MEMORY', 'USAGE', name, 'SAMPLES', '0');
    const replies = (await pipeline.exec()) ?? [];
    keys.forEach((name, i) => {
      const bytes = Number(replies[i]?.[1] ?? 0);
      // A key that expired between SCAN and MEMORY USAGE answers null: it holds nothing.
      if (!bytes) return;
      const group = groups[groupOf(name, prefix)];
      group.keys++;
      group.bytes += bytes;
    });
  }
  const all = Object.values(groups);
  return { keys: all.reduce((n, g) => n + g.keys, 0), bytes: all.reduce((n, g) => n + g.bytes, 0), groups };
}
