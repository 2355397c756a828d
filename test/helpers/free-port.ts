import { createServer, type AddressInfo } from 'node:net';

/** A loopback port nothing listens on right now (the tiny race before it is used again is acceptable in tests). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
