import { loadEnv } from '../config/env.js';
import { createRedis, DEFAULT_REDIS_URL } from '../store/redis-client.js';
import { PlatformStore, parsePlatformTokens } from '../store/platform-store.js';

/** Runs `fn` with the platform store of the configured Redis (LINKER_PLATFORMS included, so env platforms are listed and protected). */
async function withPlatforms<T>(fn: (platforms: PlatformStore) => Promise<T>): Promise<T> {
  const env = loadEnv();
  const redis = createRedis(env.REDIS_URL ?? DEFAULT_REDIS_URL);
  try {
    return await fn(new PlatformStore(redis, env.LINKER_REDIS_PREFIX, parsePlatformTokens(env.LINKER_PLATFORMS)));
  } finally {
    redis.disconnect();
  }
}

const shownOnce = (token: string) => `Its token (shown once, store it now):\n${token}`;

/** `account-linker platforms list`: every platform, where its token comes from and how many work. */
export async function listPlatforms(print: (line: string) => void = console.log): Promise<void> {
  const platforms = await withPlatforms((store) => store.list());
  if (platforms.length === 0) {
    print('no platforms yet: create one with `account-linker platforms add ID` or set LINKER_PLATFORMS=id:token,…');
    return;
  }
  const width = Math.max(8, ...platforms.map((p) => p.id.length));
  print(`${'PLATFORM'.padEnd(width)}  SOURCE             TOKENS`);
  for (const p of platforms) print(`${p.id.padEnd(width)}  ${(p.source === 'env' ? 'LINKER_PLATFORMS' : 'stored').padEnd(17)}  ${p.tokens}`);
}

/** `account-linker platforms add ID`: prints the token once; Redis keeps only its SHA-256. */
export async function addPlatform(id: string, print: (line: string) => void = console.log): Promise<void> {
  const token = await withPlatforms((store) => store.add(id));
  print(`platform "${id}" created. ${shownOnce(token)}`);
}

/** `account-linker platforms rotate ID`: a new token; the old one stops working in every process at once. */
export async function rotatePlatform(id: string, print: (line: string) => void = console.log): Promise<void> {
  const token = await withPlatforms((store) => store.rotate(id));
  print(`platform "${id}" has a new token; the old one no longer works. ${shownOnce(token)}`);
}

/** `account-linker platforms revoke ID`: every token of the platform stops working at once; its data stays. */
export async function revokePlatform(id: string, print: (line: string) => void = console.log): Promise<void> {
  await withPlatforms((store) => store.revoke(id));
  print(`platform "${id}": every token revoked. Its data stays; \`account-linker platforms rotate ${id}\` gives it a working token again.`);
}
