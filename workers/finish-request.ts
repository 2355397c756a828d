import type { Logger } from 'pino';
import type { ConnectRequestStore, TransitionArgs } from '../src/store/connect-request-store.js';
import type { EventPublisher } from '../src/webhooks/event-publisher.js';
import type { Metrics } from '../src/observability/metrics.js';
import { isFinal } from '../src/domain/connect-request-state.js';

export interface FinishDeps {
  requests: ConnectRequestStore;
  publisher: EventPublisher;
  metrics?: Metrics;
}

/**
 * Moves a request to linked or failed and publishes its result event. The event also goes out when
 * another run finished the request first (the transition is then rejected but returns the stored
 * request), so a crash between the two steps never loses the webhook.
 */
export async function finishRequest(deps: FinishDeps, platformId: string, requestId: string, args: TransitionArgs & { to: 'linked' | 'failed' }, log: Logger): Promise<void> {
  const result = await deps.requests.transition(platformId, requestId, args);
  if (result.result === 'applied') {
    deps.metrics?.requestFinished(args.to, args.error?.code);
    log.info({ status: args.to, errorCode: args.error?.code, attempts: args.attempt?.n }, 'connect request finished');
  }
  const final = result.result === 'missing' ? undefined : result.request;
  if (final && isFinal(final.status)) await deps.publisher.publishResult(platformId, final);
}
