import type { Harness } from './harness.js';
import type { ProviderClient } from '../../src/providers/provider.js';
import type { Provider } from '../../src/domain/schemas/common.js';
import type { ValidateRequestDeps } from '../../workers/validate-request.js';
import { createValidateProcessor } from '../../workers/validate-processor.js';
import { CallSlots } from '../../workers/call-slots.js';

/**
 * The validate processor the workers run, for running a job by hand: 4 attempts, 1 ms backoffs,
 * `handOff` in place of queueing the next attempt's job (so a test sees what would be queued).
 */
export function validateProcessor(
  h: Harness,
  { providers = new Map(), handOff }: { providers?: Map<Provider, ProviderClient>; handOff: ValidateRequestDeps['handOff'] },
) {
  return createValidateProcessor({
    requests: h.rt.requests,
    vault: h.rt.vault,
    providers,
    publisher: h.rt.publisher,
    logger: h.rt.logger,
    policy: { maxAttempts: 4, budgetMs: 60_000, retryBackoff: { baseMs: 1, maxMs: 1 }, rateLimitBackoff: { baseMs: 1, maxMs: 1 } },
    handOff,
    slots: new CallSlots(h.rt.env.LINKER_CONCURRENCY),
  });
}
