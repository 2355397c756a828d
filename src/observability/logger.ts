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

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    { level, serializers, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { service: 'account-linker' } },
    destination,
  );
}
