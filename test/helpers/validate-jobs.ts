import pLimit from 'p-limit';
import type { Harness } from './harness.js';
import type { ProviderClient } from '../../src/providers/provider.js';
import type { Provider } from '../../src/domain/schemas/common.js';
import type { ValidateJobData } from '../../src/queues/job-payloads.js';
import { createValidateProcessor } from '../../workers/validate-processor.js';

/**
 * The validate processor the workers run, for running a job by hand: 4 attempts, 1 ms backoffs,
 * `ownJob` in place of queueing a request's own job (so a test sees what would be queued).
 */
export function validateProcessor(
  h: Harness,
  { providers = new Map(), ownJob }: { providers?: Map<Provider, ProviderClient>; ownJob: (data: ValidateJobData) => Promise<void> },
) {
  return createValidateProcessor({
    requests: h.rt.requests,
    vault: h.rt.vault,
    providers,
    publisher: h.rt.publisher,
    logger: h.rt.logger,
    maxAttempts: 4,
    deadlineMs: 60_000,
    rateLimitBackoff: { baseMs: 1, maxMs: 1 },
    slots: pLimit(h.rt.env.LINKER_CONCURRENCY),
    retryBackoff: { baseMs: 1, maxMs: 1 },
    ownJob,
  });
}
