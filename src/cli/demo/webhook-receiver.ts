import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook, type WebhookEvent } from '../../client/webhooks.js';

export type ReceivedEvent = WebhookEvent & { webhookId: string };

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

export interface WebhookReceiverOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A platform's webhook endpoint as a platform would write one: verifies each delivery with
 * `verifyWebhook` from account-linker/webhooks, answers 204 when it verifies, 400 when it does
 * not, and keys what it received by `webhook-id` (the idempotency key Standard Webhooks gives receivers).
 */
export async function startWebhookReceiver(options: WebhookReceiverOptions = {}): Promise<WebhookReceiver> {
  const host = options.host ?? '127.0.0.1';
  let secret: string | undefined;
  const receiver = { events: new Map<string, ReceivedEvent>(), rejected: 0, deliveries: 0 };
  const server = createServer((request, response) => {
    void readBody(request).then((body) => {
      receiver.deliveries++;
      try {
        if (!secret) throw new Error('no secret yet');
        const event = verifyWebhook(secret, request.headers, body);
        const webhookId = String(request.headers['webhook-id']);
        receiver.events.set(webhookId, { ...event, webhookId });
        response.writeHead(204).end();
      } catch {
        receiver.rejected++;
        response.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://${host}:${port}/webhooks/account-linker`,
    setSecret: (value: string) => {
      secret = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
