/**
 * Names the validate job each request of one submit goes into: runs of up to `perJob` requests share
 * a first-attempts job named after the first of the run; a request alone in its run is its own job,
 * named after itself like the job that carries a request's retries. Deterministic, so a retried
 * idempotent submit names the same jobs and BullMQ adds none of them twice.
 */
export function validateJobIds(requestIds: string[], perJob: number): string[] {
  return requestIds.map((id, i) => {
    const start = i - (i % perJob);
    const runLength = Math.min(perJob, requestIds.length - start);
    return runLength === 1 ? id : `f-${requestIds[start]}`;
  });
}
