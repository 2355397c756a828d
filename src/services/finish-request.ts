import type { Logger } from 'pino';
import type { ConnectRequestStore, TransitionArgs } from '../store/connect-request-store.js';
import type { EventPublisher } from '../webhooks/event-publisher.js';
import type { Metrics } from '../observability/metrics.js';
import { isFinal } from '../domain/connect-request-state.js';
import type { ConnectRequest } from '../domain/schemas/connect-request.js';
import { recordEventScriptArgs } from '../store/webhook-message-store.js';

export interface FinishDeps {
  requests: ConnectRequestStore;
  publisher: EventPublisher;
  metrics?: Metrics;
}

/**
 * Moves a request to linked or failed and publishes its result event. Given the request as the
 * transition is expected to leave it (`expected`, see domain/expected-final-request.ts), the event is
 * recorded by the transition itself: one round trip instead of two. Otherwise, or when things came
 * out differently, it is recorded afterwards from the stored request. The event also goes out when
 * another run finished the request first (the transition is then rejected but returns the stored
 * request), so a crash between the two steps never loses the webhook.
 */
export async function finishRequest(
  deps: FinishDeps,
  platformId: string,
  requestId: string,
  args: TransitionArgs & { to: 'linked' | 'failed' },
  log: Logger,
  expected?: { request: ConnectRequest; at: Date },
): Promise<void> {
  // Object.assign, not `{ ...x, newKey }`: see docs/performance.md#object-spreads.
  const event =
    expected &&
    Object.assign(recordEventScriptArgs(await deps.publisher.prepareResult(platformId, expected.request), expected.at), {
      accountId: expected.request.accountId,
      operation: expected.request.operation,
    });
  const result = await deps.requests.transition(platformId, requestId, Object.assign({}, args, { event }), expected?.at);
  if (result.result === 'applied') {
    deps.metrics?.requestFinished(args.to, args.error?.code);
    log.info({ status: args.to, errorCode: args.error?.code, attempts: args.attempt?.n }, 'connect request finished');
  }
  if (result.result === 'applied' && result.published) {
    await deps.publisher.deliver(platformId, result.published, event);
    return;
  }
  const final = result.result === 'missing' || result.result === 'conflict' ? undefined : result.request;
  if (final && isFinal(final.status)) await deps.publisher.publishResult(platformId, final);
}
