import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A webhook receiver on loopback: answers 204 and remembers which connect requests it heard about. */
export interface Receiver {
  url: string;
  /** connectRequestId (service webhooks) or job tag (baseline) → arrival time (ms since epoch). */
  readonly arrivals: Map<string, number>;
  /** Resolves once every id in `ids` has arrived. */
  waitForAll(ids: Iterable<string>, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** Reads the id a body refers to: `data.connectRequestId` of a service webhook, `id` of a baseline post. */
function idOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { id?: string; data?: { connectRequestId?: string } };
    return parsed.data?.connectRequestId ?? parsed.id;
  } catch {
    return undefined;
  }
}

export async function startReceiver(): Promise<Receiver> {
  const arrivals = new Map<string, number>();
  const server: Server = createServer({ noDelay: true, keepAliveTimeout: 30_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const id = idOf(Buffer.concat(chunks).toString('utf8'));
      if (id && !arrivals.has(id)) arrivals.set(id, Date.now());
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/hooks`,
    arrivals,
    async waitForAll(ids, timeoutMs) {
      const wanted = [...ids];
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const missing = wanted.filter((id) => !arrivals.has(id)).length;
        if (missing === 0) return;
        if (Date.now() > deadline) throw new Error(`${missing} of ${wanted.length} webhooks never reached the receiver within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
