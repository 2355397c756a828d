import { parseArgs } from 'node:util';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDuration } from '../src/config/duration.js';
import { DEFAULT_REDIS_URL } from '../src/store/redis-client.js';
import { measureMemory } from './memory-usage.js';
import { runSoak, soakDuration } from './soak.js';

/**
 * `npm run bench -- --memory [--n 2000]`: Redis bytes per active account and per finished request.
 * `npm run bench -- --soak 10m [--retention 2m] [--rate 20]`: links keep coming for that long;
 * reports whether Redis stayed flat after the retention periods.
 * Returns false when argv asks for neither (the regular bench runs). The last line printed is JSON.
 */
export async function runRetentionMode(argv: string[]): Promise<boolean> {
  if (!argv.includes('--memory') && !argv.some((a) => a === '--soak' || a.startsWith('--soak='))) return false;
  const { values } = parseArgs({
    args: argv,
    options: { memory: { type: 'boolean' }, n: { type: 'string' }, soak: { type: 'string' }, retention: { type: 'string' }, rate: { type: 'string' } },
  });
  const redisUrl = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
  const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(resultsDir, { recursive: true });

  if (values.memory) {
    const usage = await measureMemory({ redisUrl, n: Number(values.n ?? 2000) });
    console.log(`[memory] ${usage.activeAccounts} active accounts: ${usage.bytesPerActiveAccount} B each; ${usage.finishedRequests} finished requests with their webhook: ${usage.bytesPerFinishedRequest} B each`);
    for (const [group, { keys, bytes }] of Object.entries(usage.footprint.groups)) console.log(`[memory]   ${group.padEnd(10)} ${String(keys).padStart(7)} keys ${String(bytes).padStart(11)} B`);
    writeFileSync(`${resultsDir}memory-${Date.now().toString(36)}.json`, `${JSON.stringify(usage, null, 2)}\n`);
    const { footprint: _groups, ...summary } = usage;
    console.log(JSON.stringify(summary));
    return true;
  }

  const durationMs = soakDuration(values.soak ?? '');
  const retentionMs = values.retention === undefined ? undefined : parseDuration(values.retention);
  if (retentionMs === undefined && values.retention !== undefined) throw new Error(`--retention takes a duration like 2m (got "${values.retention}")`);
  const result = await runSoak({ redisUrl, durationMs, retentionMs, ratePerS: values.rate === undefined ? undefined : Number(values.rate) });
  writeFileSync(`${resultsDir}soak-${Date.now().toString(36)}.json`, `${JSON.stringify(result, null, 2)}\n`);
  const { samples: _samples, ...summary } = result;
  console.log(JSON.stringify(summary));
  if (!result.flat) process.exitCode = 1;
  return true;
}
