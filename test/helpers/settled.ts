import { expect } from 'vitest';
import { waitFor, type Harness } from './harness.js';
import type { WebhookReceiver } from './webhook-receiver.js';

export interface SettledOptions {
  batchIds: string[];
  /** Every API key submitted: none may appear anywhere. */
  apiKeys: string[];
  receiver?: WebhookReceiver;
  /** More text to scan for keys (child process output). */
  logs?: string[];
  timeoutMs?: number;
}

export interface SettledSummary {
  requests: number;
  linked: number;
  failed: number;
  confirmed: number;
  unconfirmed: number;
}

/**
 * The end state every fault test demands: every request final and counted once, every final
 * request's webhook confirmed or visibly unconfirmed, no job left in any queue, and no key
 * anywhere in Redis, logs, webhook bodies or API responses.
 */
export async function expectSettled(h: Harness, options: SettledOptions): Promise<SettledSummary> {
  const { batchIds, apiKeys, receiver, logs = [], timeoutMs = 45_000 } = options;
  const batches = await waitFor(async () => {
    const all = await Promise.all(batchIds.map(async (id) => (await h.api('GET', `/v1/batches/${id}`)).body));
    return all.every((b) => b.completedAt && b.counts.queued + b.counts.validating + b.counts.retrying === 0 && b.confirmation.pending === 0) ? all : undefined;
  }, { timeoutMs, intervalMs: 250, what: 'every batch to finish and every webhook to settle' });

  const summary: SettledSummary = { requests: 0, linked: 0, failed: 0, confirmed: 0, unconfirmed: 0 };
  const responses: string[] = [];
  for (const batch of batches) {
    const requests: any[] = [];
    let cursor: string | null = null;
    do {
      const page: any = (await h.api('GET', `/v1/connect-requests?batchId=${batch.id}&limit=500${cursor ? `&cursor=${cursor}` : ''}`)).body;
      responses.push(JSON.stringify(page));
      requests.push(...page.data);
      cursor = page.nextCursor;
    } while (cursor);
    // Counted once: the batch counters agree with the records, and no request appears twice.
    expect(new Set(requests.map((r) => r.id)).size).toBe(requests.length);
    expect(requests.length).toBe(batch.total);
    for (const status of ['linked', 'failed'] as const) expect(batch.counts[status]).toBe(requests.filter((r) => r.status === status).length);
    expect(batch.counts.linked + batch.counts.failed).toBe(batch.total);
    for (const r of requests) {
      expect(['linked', 'failed']).toContain(r.status);
      expect(['confirmed', 'unconfirmed']).toContain(r.confirmation);
      summary.requests++;
      summary[r.status as 'linked' | 'failed']++;
      summary[r.confirmation as 'confirmed' | 'unconfirmed']++;
    }
  }

  // No job stuck anywhere. A job whose completion was lost (Redis restart, killed worker) sits in
  // `active` until its lock expires and the stalled check re-runs it, which finds the request final.
  const idle = { waiting: 0, active: 0, delayed: 0, paused: 0, prioritized: 0, 'waiting-children': 0 };
  for (const queue of [h.rt.producers.validate, h.rt.producers.deliver]) {
    const counts = () => queue.getJobCounts('waiting', 'active', 'delayed', 'paused', 'prioritized', 'waiting-children');
    await waitFor(async () => JSON.stringify(await counts()) === JSON.stringify(idle), { timeoutMs: 20_000, intervalMs: 250, what: `the ${queue.name} queue to drain` }).catch(() => undefined);
    expect(await counts(), `${queue.name} queue`).toEqual(idle);
  }

  // One result per request: every delivery of one request carries the same event.
  if (receiver) {
    const byRequest = new Map<string, Set<string>>();
    for (const { body } of receiver.received) {
      const event = JSON.parse(body);
      const set = byRequest.get(event.data.connectRequestId) ?? new Set<string>();
      set.add(`${event.type}/${event.data.status}`);
      byRequest.set(event.data.connectRequestId, set);
    }
    for (const [id, results] of byRequest) expect(results.size, `results sent for ${id}`).toBe(1);
  }

  const haystack = [await h.dumpRedis(), h.logs.join('\n'), logs.join('\n'), responses.join('\n'), ...(receiver?.received.map((w) => w.body) ?? [])].join('\n');
  for (const apiKey of apiKeys) expect(haystack.includes(apiKey), 'an API key leaked').toBe(false);
  return summary;
}
