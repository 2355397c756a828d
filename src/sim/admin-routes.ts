import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { keyBehaviorSchema, type KeyBehavior, type ResolvedKeyBehavior } from './key-behaviors.js';
import type { KeySource } from './key-registry.js';
import { simulatorKnobsSchema, type SimulatorKnobs } from './simulator-knobs.js';
import { fingerprint, type SimulatorStats } from './traffic-stats.js';

/** What the admin routes may do to a running simulator. */
export interface SimulatorAdmin {
  setKey(key: string, behavior: KeyBehavior): ResolvedKeyBehavior;
  deleteKey(key: string): boolean;
  describeKey(key: string): { source: KeySource; behavior?: ResolvedKeyBehavior };
  setKnobs(knobs: SimulatorKnobs): Required<SimulatorKnobs>;
  knobs(): Required<SimulatorKnobs>;
  stats(): SimulatorStats;
  reset(): void;
}

export const ADMIN_PREFIX = '/_sim/';
const MAX_BODY_BYTES = 64 * 1024;

class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Array<{ code: string; message: string; path?: string }> = [],
  ) {
    super(message);
  }
}

/**
 * The `/_sim/*` routes: no auth, so they answer loopback clients only (the simulator binds
 * to 127.0.0.1 by default, but someone may bind it to 0.0.0.0 for a container).
 *
 *   PUT    /_sim/keys/:key   body = behaviour JSON → 200 {fingerprint, behavior}; 400 if invalid
 *   GET    /_sim/keys/:key   → 200 {fingerprint, source, behavior}
 *   DELETE /_sim/keys/:key   → 204 (the key falls back to the naming convention)
 *   GET    /_sim/knobs       → 200 {latencyMs, errorRate}
 *   PUT    /_sim/knobs       body {latencyMs?, errorRate?} → 200 {latencyMs, errorRate}
 *   GET    /_sim/stats       → 200 stats
 *   POST   /_sim/reset       → 204: stats, flaky/rate_limited counters and rate-limit windows
 */
export async function handleAdminRequest(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  admin: SimulatorAdmin,
): Promise<void> {
  try {
    if (!isLoopback(req.socket.remoteAddress)) {
      throw new AdminError(403, 'forbidden', 'Simulator admin routes answer loopback clients only');
    }
    const route = path.slice(ADMIN_PREFIX.length);
    const method = req.method ?? 'GET';

    if (route.startsWith('keys/')) {
      const key = decodeKey(route.slice('keys/'.length));
      if (method === 'PUT') {
        const behavior = validate(keyBehaviorSchema, await readJson(req), 'Invalid key behaviour');
        return send(res, 200, { fingerprint: fingerprint(key), behavior: admin.setKey(key, behavior) });
      }
      if (method === 'GET') {
        return send(res, 200, { fingerprint: fingerprint(key), ...admin.describeKey(key) });
      }
      if (method === 'DELETE') {
        admin.deleteKey(key);
        return send(res, 204);
      }
      throw methodNotAllowed(res, 'GET, PUT, DELETE');
    }
    if (route === 'knobs') {
      if (method === 'GET') return send(res, 200, admin.knobs());
      if (method === 'PUT') {
        const knobs = validate(simulatorKnobsSchema, await readJson(req), 'Invalid knobs');
        return send(res, 200, admin.setKnobs(knobs));
      }
      throw methodNotAllowed(res, 'GET, PUT');
    }
    if (route === 'stats') {
      if (method === 'GET') return send(res, 200, admin.stats());
      throw methodNotAllowed(res, 'GET');
    }
    if (route === 'reset') {
      if (method === 'POST') {
        admin.reset();
        return send(res, 204);
      }
      throw methodNotAllowed(res, 'POST');
    }
    throw new AdminError(404, 'not_found', `No simulator admin route ${method} ${path}`);
  } catch (error) {
    if (res.headersSent || res.destroyed) return;
    if (error instanceof AdminError) {
      const details = error.details.length > 0
        ? error.details
        : [{ code: error.code, message: error.message }];
      return send(res, error.status, { message: error.message, errors: details });
    }
    send(res, 500, { message: 'Internal simulator error', errors: [{ code: 'internal', message: String(error) }] });
  }
}

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

function decodeKey(encoded: string): string {
  let key: string;
  try {
    key = decodeURIComponent(encoded);
  } catch {
    throw new AdminError(400, 'invalid_key', 'The key in the path is not valid percent-encoding');
  }
  if (key.length === 0) throw new AdminError(404, 'not_found', 'Missing key in path');
  return key;
}

function methodNotAllowed(res: ServerResponse, allow: string): AdminError {
  res.setHeader('Allow', allow);
  return new AdminError(405, 'method_not_allowed', 'Method Not Allowed');
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      throw new AdminError(413, 'payload_too_large', `Body larger than ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new AdminError(400, 'invalid_json', 'A JSON body is required');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AdminError(400, 'invalid_json', `Body is not valid JSON: ${(error as Error).message}`);
  }
}

function validate<T extends z.ZodType>(schema: T, input: unknown, message: string): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new AdminError(
    400,
    'invalid_body',
    message,
    result.error.issues.map((issue) => ({
      code: 'invalid_body',
      message: issue.message,
      path: issue.path.map(String).join('.'),
    })),
  );
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}
