import { setTimeout as sleep } from 'node:timers/promises';
import type { ProviderClient } from './provider.js';
import { DEFAULT_PACING_SLACK_MS } from '../domain/revalidation-pacing.js';

/**
 * Wraps a client so that this process starts at most `perSecond` checks in any sliding
 * `1000 + slackMs` ms. The queue limiter spreads jobs across processes, but it counts job starts;
 * an event-loop stall between a job starting and its request leaving bunches requests up. This
 * gate sits right before the request; the slack absorbs the varying time a request takes to
 * reach the provider, so the provider sees at most `perSecond` in any sliding second.
 */
export function pacedClient(client: ProviderClient, perSecond: number, slackMs = DEFAULT_PACING_SLACK_MS): ProviderClient {
  const windowMs = 1000 + slackMs;
  // Start times of the last `perSecond` checks, oldest first.
  const starts: number[] = [];
  let queue = Promise.resolve();

  const turn = () => {
    const mine = queue.then(async () => {
      if (starts.length === perSecond) {
        const wait = starts[0]! + windowMs - performance.now();
        if (wait > 0) await sleep(Math.ceil(wait));
        starts.shift();
      }
      starts.push(performance.now());
    });
    queue = mine;
    return mine;
  };

  return {
    id: client.id,
    async check(apiKey) {
      await turn();
      return client.check(apiKey);
    },
    close: () => client.close(),
  };
}
