import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedEvent {
  webhookId: string;
  type: string;
  data: { connectRequestId: string | null; status: string; error: { code: string } | null };
}

export interface WebhookReceiver {
  url: string;
  /** The endpoint's secret, known once the endpoint is registered; until then nothing verifies. */
  setSecret(secret: string): void;
  /** Verified events, one per webhook-id (a redelivery of the same message is not counted twice). */
  events: Map<string, ReceivedEvent>;
  /** Deliveries whose signature did not verify (answered 400). */
  rejected: number;
  /** Every POST received, retries included. */
  deliveries: number;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A platform's webhook endpoint as a platform would write one: verifies each delivery with the
 * `standardwebhooks` package, answers 204 when it verifies, 400 when it does not, and keys what it
 * received by `webhook-id` (the idempotency key Standard Webhooks gives receivers).
 */
export async function startWebhookReceiver(host = '127.0.0.1'): Promise<WebhookReceiver> {
  let verifier: Webhook | undefined;
  const receiver = { events: new Map<string, ReceivedEvent>(), rejected: 0, deliveries: 0 };
  const server = createServer((request, response) => {
    void readBody(request).then((body) => {
      receiver.deliveries++;
      const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)]));
      try {
        if (!verifier) throw new Error('no secret yet');
        const event = verifier.verify(body, headers) as Omit<ReceivedEvent, 'webhookId'>;
        const webhookId = headers['webhook-id']!;
        receiver.events.set(webhookId, { webhookId, type: event.type, data: event.data });
        response.writeHead(204).end();
      } catch {
        receiver.rejected++;
        response.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://${host}:${port}/webhooks/account-linker`,
    setSecret: (secret: string) => {
      verifier = new Webhook(secret);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
