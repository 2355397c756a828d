import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * Paths pino censors wherever they appear in a log object. API keys should never reach a log call
 * in the first place; this is the second line of defence.
 */
export const REDACT_PATHS = [
  'apiKey',
  '*.apiKey',
  'credentials',
  '*.credentials',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers["x-smarttoken"]',
  'headers["x-smarttoken"]',
  'headers["idempotency-key"]',
];

interface LoggedRequest {
  id?: string;
  method?: string;
  url?: string;
}

/**
 * Requests are logged by method and path only: query strings can carry a connect-session token,
 * and headers carry platform tokens.
 */
const serializers = {
  req: (req: LoggedRequest) => ({ id: req.id, method: req.method, path: req.url?.split('?')[0] }),
  res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
  err: pino.stdSerializers.err,
};

/**
 * The process logger. Without a `destination`: human-readable lines (pino-pretty) when stdout is a
 * terminal, one JSON object a line otherwise (files, containers, log shippers).
 */
export function createLogger(level: string, destination: DestinationStream | undefined = process.stdout.isTTY ? prettyStdout() : undefined): Logger {
  return pino(
    { level, serializers, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { service: 'account-linker' } },
    destination,
  );
}

/** pino-pretty is loaded only for a terminal, so a service logging JSON never pays for it. */
function prettyStdout(): DestinationStream {
  const pretty = createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');
  // Synchronous like pino's own stdout destination, so the last lines before an exit are not lost.
  return pretty({ colorize: true, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' });
}
