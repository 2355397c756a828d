import { afterAll, beforeAll, expect, it } from 'vitest';
import { simKey } from '../../src/sim/index.js';
import { newId } from '../../src/domain/ids.js';
import { credentialAad } from '../../src/crypto/credential-aad.js';
import { requeueStranded } from '../../src/queues/requeue-stranded.js';
import { startHarness, waitFor, type Harness } from '../helpers/harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness('stranded');
});
afterAll(async () => h?.close());

it('requests stored by an API that died before enqueueing are found and linked', async () => {
  // What a killed API leaves behind: requests in Redis, no validate job.
  const items = Array.from({ length: 5 }, (_, i) => ({
    id: newId('connectRequest'),
    tenantId: `stranded-${i}`,
    provider: 'smartrecruiters' as const,
    encryptedCredential: h.rt.vault.encrypt(simKey('valid', `stranded-${i}`), credentialAad('acme', 'smartrecruiters', `stranded-${i}`)),
  }));
  await h.rt.requests.create('acme', items);
  const linked = await h.api('POST', '/v1/connect-requests', { body: { tenantId: 'normal', provider: 'smartrecruiters', credentials: { apiKey: simKey('slow300', 'normal') } } });

  // Younger than the cut-off: left alone, the submit may still be under way.
  expect(await requeueStranded(h.rt)).toBe(0);
  // Past it: exactly the five without a job are queued again, not the one that has its job.
  expect(await requeueStranded(h.rt, { olderThanMs: 0 })).toBe(5);
  expect(await requeueStranded(h.rt, { olderThanMs: 0 })).toBe(0);

  for (const item of items) {
    const request = await waitFor(async () => {
      const r = (await h.api('GET', `/v1/connect-requests/${item.id}`)).body;
      return r.status === 'linked' ? r : undefined;
    }, { what: `${item.id} to link` });
    expect(request.attempts).toHaveLength(1);
  }
  await waitFor(async () => ((await h.api('GET', `/v1/connect-requests/${linked.body.id}`)).body.status === 'linked' ? true : undefined));
});
