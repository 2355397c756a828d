import { expect } from 'vitest';
import { waitFor, type Harness } from './harness.js';
import { PLATFORMS } from './test-env.js';

/** Calls made by the acme platform unless a token is given. */
export interface AsPlatform {
  token?: string;
}

export interface CreatedEndpoint {
  id: string;
  url: string;
  events: string[];
  status: string;
  secret: string;
}

export async function registerEndpoint(h: Harness, url: string, options: AsPlatform & { events?: string[] } = {}): Promise<CreatedEndpoint> {
  const body = options.events ? { url, events: options.events } : { url };
  const res = await h.api('POST', '/v1/webhook-endpoints', { body, token: options.token });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

/** Deletes every endpoint of the platform, so one test's subscriptions do not receive the next test's events. */
export async function deleteAllEndpoints(h: Harness, options: AsPlatform = {}): Promise<void> {
  const list = await h.api('GET', '/v1/webhook-endpoints', { token: options.token });
  for (const endpoint of list.body.data as { id: string }[]) {
    expect((await h.api('DELETE', `/v1/webhook-endpoints/${endpoint.id}`, { token: options.token })).status).toBe(204);
  }
}

export async function submitLink(h: Harness, tenantId: string, apiKey: string, options: AsPlatform = {}): Promise<string> {
  const res = await h.api('POST', '/v1/connect-requests', {
    body: { tenantId, provider: 'smartrecruiters', credentials: { apiKey } },
    token: options.token,
  });
  expect(res.status, res.text).toBe(202);
  return res.body.id;
}

/** Waits until the request's confirmation is `confirmation` and returns the request. */
export async function waitForConfirmation(h: Harness, requestId: string, confirmation: string, options: AsPlatform & { timeoutMs?: number } = {}) {
  return waitFor(
    async () => {
      const res = await h.api('GET', `/v1/connect-requests/${requestId}`, { token: options.token });
      return res.body.confirmation === confirmation ? res.body : undefined;
    },
    { timeoutMs: options.timeoutMs ?? 20_000, what: `request ${requestId} to be ${confirmation}` },
  );
}

/** The delivery log of a request's messages (GET /v1/webhook-messages?connectRequestId=). */
export async function messagesOf(h: Harness, requestId: string, options: AsPlatform = {}) {
  const res = await h.api('GET', `/v1/webhook-messages?connectRequestId=${requestId}`, { token: options.token });
  expect(res.status, res.text).toBe(200);
  return res.body.data as Array<{
    id: string;
    endpointId: string;
    eventType: string;
    status: string;
    attempts: Array<{ n: number; at: string; httpStatus: number | null; durationMs: number; error: string | null }>;
    payload: Record<string, unknown>;
  }>;
}

/** Waits until the request's only message has `count` attempts logged, and returns that message. */
export async function waitForAttempts(h: Harness, requestId: string, count: number, options: AsPlatform = {}) {
  return waitFor(
    async () => {
      const [message] = await messagesOf(h, requestId, options);
      return message && message.attempts.length >= count ? message : undefined;
    },
    { what: `${count} delivery attempt(s) for request ${requestId}` },
  );
}

export const OTHER_PLATFORM = { token: PLATFORMS.globex };
