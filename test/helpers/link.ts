import { expect } from 'vitest';
import { waitFor, type Harness } from './harness.js';

/** Links a tenant through the API and waits for the linked request; returns it. */
export async function linkTenant(h: Harness, tenantId: string, apiKey: string): Promise<{ id: string; accountId: string; operation: string }> {
  const res = await h.api('POST', '/v1/connect-requests', { body: { tenantId, provider: 'smartrecruiters', credentials: { apiKey } } });
  expect(res.status, res.text).toBe(202);
  const request = await waitFor(
    async () => {
      const current = (await h.api('GET', `/v1/connect-requests/${res.body.id}`)).body;
      return ['linked', 'failed'].includes(current.status) ? current : undefined;
    },
    { what: `request ${res.body.id} to finish` },
  );
  expect(request.status, JSON.stringify(request.error)).toBe('linked');
  return request;
}

/** Subscribes a webhook URL to every event; returns the signing secret. */
export async function subscribe(h: Harness, url: string, token?: string): Promise<string> {
  const res = await h.api('POST', '/v1/webhook-endpoints', { body: { url }, token });
  expect(res.status, res.text).toBe(201);
  return res.body.secret as string;
}
