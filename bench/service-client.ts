import { Pool } from 'undici';
import { BENCH_PLATFORM, type BenchPlatform } from './service-process.js';

/** JSON calls to the service under test as one platform (default the bench platform). */
export class ServiceClient {
  private readonly pool: Pool;

  constructor(
    url: string,
    connections = 16,
    readonly platform: BenchPlatform = BENCH_PLATFORM,
  ) {
    this.pool = new Pool(url, { connections, pipelining: 1 });
  }

  async call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await this.pool.request({
      method,
      path,
      headers: { authorization: `Bearer ${this.platform.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.body.text();
    if (res.statusCode >= 300) throw new Error(`${method} ${path} answered ${res.statusCode}: ${text.slice(0, 300)}`);
    return { status: res.statusCode, body: JSON.parse(text) as T };
  }

  async subscribe(receiverUrl: string): Promise<void> {
    await this.call('POST', '/v1/webhook-endpoints', { url: receiverUrl });
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
