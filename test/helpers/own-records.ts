import { simKey } from '../../src/sim/index.js';
import { waitFor, type Harness } from './harness.js';
import { linkTenant, subscribe } from './link.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

/** One record of every kind the acme platform owns, with the sub-keys (attempts, history) real use leaves. */
export interface OwnRecords {
  requestId: string;
  accountId: string;
  batchId: string;
  endpointId: string;
  messageId: string;
  /** A Connect Hub session token of acme's. */
  sessionToken: string;
  receiver: WebhookReceiver;
}

/**
 * Links one tenant (in a bulk, so a batch exists) with a webhook endpoint subscribed and waits for
 * the delivered message: afterwards every id route has a real id to aim look-alikes at. Needs a
 * harness with workers and LINKER_WEBHOOK_ALLOWED_NETS covering loopback.
 */
export async function createOwnRecords(h: Harness): Promise<OwnRecords> {
  const receiver = await startWebhookReceiver();
  await subscribe(h, `${receiver.url}/hook`);
  const bulk = await h.api('POST', '/v1/connect-requests/bulk', { body: { items: [{ tenantId: 'own-bulk', provider: 'smartrecruiters', credentials: { apiKey: simKey('valid', 'own-bulk') } }] } });
  const request = await linkTenant(h, 'own-single', simKey('valid', 'own-single'));
  // Everything settles first (both links confirmed), so nothing changes the data afterwards.
  const [message] = await Promise.all(
    [request.id, bulk.body.accepted[0].id as string].map((id) =>
      waitFor(
        async () => {
          const res = await h.api('GET', `/v1/webhook-messages?connectRequestId=${id}`);
          const first = res.body.data?.[0];
          const confirmed = (await h.api('GET', `/v1/connect-requests/${id}`)).body.confirmation === 'confirmed';
          return first?.status === 'delivered' && confirmed ? first : undefined;
        },
        { what: `the link webhook of ${id} to be delivered and confirmed` },
      ),
    ),
  );
  const session = await h.api('POST', '/v1/connect-sessions', { body: { tenantId: 'own-hub', provider: 'smartrecruiters' } });
  const endpoints = await h.api('GET', '/v1/webhook-endpoints');
  return {
    requestId: request.id,
    accountId: request.accountId,
    batchId: bulk.body.batchId,
    endpointId: endpoints.body.data[0].id,
    messageId: message.id,
    sessionToken: session.body.token,
    receiver,
  };
}
