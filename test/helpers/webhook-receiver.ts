import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { waitFor } from './harness.js';

/** What the receiver does with one request. */
export type ReceiverAnswer =
  /**
   * `holdBody`: send the status and `body`, then never finish the response; with `dripMs`, keep
   * sending one more byte every `dripMs` ms (a receiver that never lets a chunk timeout fire).
   */
  | { status: number; headers?: Record<string, string>; body?: string; holdBody?: boolean; dripMs?: number }
  /** Never answers; the socket stays open until the sender gives up or the receiver closes. */
  | { hang: true };

export interface ReceivedWebhook {
  /** Date.now() when the request body was complete. */
  at: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The parsed body ({type, timestamp, data}); null when it was not JSON. */
  event: { type: string; timestamp: string; data: Record<string, any> } | null;
  /** Whether standardwebhooks' Webhook.verify accepted it (null when the receiver holds no secret). */
  verified: boolean | null;
  /** What the receiver answered. */
  answer: ReceiverAnswer;
}

export interface WebhookReceiverOptions {
  /** Port to listen on (loopback). Default: any free port. */
  port?: number;
  /**
   * Signing secrets this receiver holds. When set, every request is checked with
   * standardwebhooks' Webhook.verify, as a real receiver would, and answered 401 when no secret
   * verifies it; the programmed answer only applies to verified requests.
   */
  secrets?: string[];
}

export type Responder = (request: Omit<ReceivedWebhook, 'answer'>, index: number) => ReceiverAnswer;

/** A real node:http webhook receiver on loopback that records every request and answers as programmed. */
export interface WebhookReceiver {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  port: number;
  received: ReceivedWebhook[];
  /** Answers the next requests with `answers`, in order; after those, the default responder. */
  queue(...answers: ReceiverAnswer[]): void;
  /** Replaces the default responder (initially: 204 No Content). */
  respond(responder: Responder | ReceiverAnswer): void;
  /** Replaces the secrets the receiver verifies with (e.g. after a rotation). */
  useSecrets(secrets: string[] | undefined): void;
  /** Requests whose answer is still unfinished on an open connection (held or dripping bodies, hangs). */
  open(): number;
  /** The most requests that were ever open at once. */
  maxOpen(): number;
  /** Resolves once `count` requests have arrived. */
  waitForRequests(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

const NO_CONTENT: ReceiverAnswer = { status: 204 };

function verifies(secrets: string[], body: string, headers: IncomingHttpHeaders): boolean {
  return secrets.some((secret) => {
    try {
      new Webhook(secret).verify(body, headers as Record<string, string>);
      return true;
    } catch {
      return false;
    }
  });
}

function send(res: ServerResponse, answer: ReceiverAnswer): void {
  if ('hang' in answer) return;
  res.writeHead(answer.status, answer.headers);
  if (!answer.holdBody) {
    res.end(answer.body);
    return;
  }
  res.write(answer.body ?? ' ');
  if (answer.dripMs) {
    const drip = setInterval(() => res.write('.'), answer.dripMs);
    res.once('close', () => clearInterval(drip));
  }
}

export async function startWebhookReceiver(options: WebhookReceiverOptions = {}): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const queued: ReceiverAnswer[] = [];
  let responder: Responder = () => NO_CONTENT;
  let secrets = options.secrets;
  let open = 0;
  let maxOpen = 0;

  const server = createServer((req, res) => {
    open += 1;
    maxOpen = Math.max(maxOpen, open);
    res.once('close', () => (open -= 1));
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const verified = secrets ? verifies(secrets, body, req.headers) : null;
      let event: ReceivedWebhook['event'] = null;
      try {
        event = JSON.parse(body) as ReceivedWebhook['event'];
      } catch {
        // a test may send garbage on purpose
      }
      const request = { at: Date.now(), method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, event, verified };
      const answer: ReceiverAnswer = verified === false
        ? { status: 401, body: 'signature did not verify' }
        : (queued.shift() ?? responder(request, received.length));
      received.push({ ...request, answer });
      send(res, answer);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    queue: (...answers) => queued.push(...answers),
    respond(next) {
      responder = typeof next === 'function' ? next : () => next;
    },
    useSecrets(next) {
      secrets = next;
    },
    open: () => open,
    maxOpen: () => maxOpen,
    waitForRequests: (count, timeoutMs = 20_000) =>
      waitFor(async () => (received.length >= count ? received.slice(0, count) : undefined), { timeoutMs, what: `${count} webhook request(s) on port ${port}` }),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
