import { Redis } from 'ioredis';

/** Commands a Redis node has executed so far (sum of `calls` over INFO commandstats), scripts' inner calls included. */
export async function commandsExecuted(port: number): Promise<number> {
  const node = new Redis(port, '127.0.0.1');
  try {
    const info = await node.info('commandstats');
    let calls = 0;
    for (const match of info.matchAll(/^cmdstat_[^:]+:calls=(\d+)/gm)) calls += Number(match[1]);
    return calls;
  } finally {
    node.disconnect();
  }
}

/** Each node's share of the commands executed between two readings (same order as the ports). */
export function shares(before: number[], after: number[]): number[] {
  const deltas = after.map((n, i) => n - before[i]!);
  const total = deltas.reduce((a, b) => a + b, 0);
  return deltas.map((d) => d / total);
}
