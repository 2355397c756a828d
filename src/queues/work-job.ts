import { z } from 'zod';
import type { JobsOptions } from 'bullmq';
import { KEEP_FINISHED_JOBS } from './job-options.js';

/**
 * The job protocol of the validate and deliver queues: one payload, one naming rule, one hand-off
 * rule. A record (a connect request, a webhook message) is worked on by exactly one live job at a
 * time, and which job that is follows from the record alone:
 *
 * - `batch`: the first attempt of each of several records submitted together (one queue write and
 *   one job run for many records). Each of its records is attempt 1.
 * - `one`: attempt `attempt` of one record: its retries, its waits after a 429, or a single
 *   interactive submit.
 *
 * Hand-off rule. Let `recorded` be the number of attempts the record holds (every recorded entry,
 * a 429 wait included). A job making attempt k of a record is live while `recorded < k`; it
 * records its attempt with a compare-and-set on `recorded` (the store refuses the write when the
 * count moved), and when the record needs another attempt it queues the `one` job for
 * `nextAttempt(k, recorded after its own write)`. A job that finds `recorded >= k` is a stale
 * duplicate (BullMQ re-ran it, or a hand-off was queued twice) and drops that record; a job that
 * loses the compare-and-set looks again. So the order of "record the attempt" and "queue the next
 * job" does not matter: whichever runs first, exactly one job ends up owning the record. Job ids are
 * deterministic (`jobIdOf`), so adding the same job twice is a no-op, and a job that BullMQ re-runs
 * after a crash finishes what its first run left undone.
 *
 * Job data holds ids only: never a key or a payload that could carry one.
 */
export const workJobSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('batch'), platformId: z.string(), ids: z.array(z.string()).min(1) }),
  z.object({ kind: z.literal('one'), platformId: z.string(), id: z.string(), attempt: z.number().int().min(1) }),
]);

export type WorkJob = z.infer<typeof workJobSchema>;
export type BatchJob = Extract<WorkJob, { kind: 'batch' }>;
export type OneJob = Extract<WorkJob, { kind: 'one' }>;

/** Most records one batch job carries: a job's records are worked on together, and 20 keeps a job's run short. */
export const BATCH_SIZE = 20;

/** A batch job is named after its first record; a `one` job after its record and attempt (BullMQ ids must not contain ':'). */
export function jobIdOf(job: WorkJob): string {
  return job.kind === 'batch' ? `b-${job.ids[0]}` : `${job.id}-${job.attempt}`;
}

/** The records a job carries, each with the attempt number the job makes for it. */
export function attemptsOf(job: WorkJob): { id: string; attempt: number }[] {
  return job.kind === 'batch' ? job.ids.map((id) => ({ id, attempt: 1 })) : [{ id: job.id, attempt: job.attempt }];
}

/** Whether a job making attempt `attempt` still owns a record that holds `recorded` attempts. */
export function isLive(attempt: number, recorded: number): boolean {
  return recorded < attempt;
}

/**
 * The attempt the next job makes, after a job for `attempt` left the record holding `recorded`.
 * Never the job's own number, even if the job ran before its predecessor's write landed.
 */
export function nextAttempt(attempt: number, recorded: number): number {
  return Math.max(attempt, recorded) + 1;
}

/** Parses job data (a job written by an older release, or by hand, fails loudly rather than half-works). */
export function readWorkJob(data: unknown): WorkJob {
  return workJobSchema.parse(data);
}

/** Runs of up to `size` items, in order. */
export function chunks<T>(items: T[], size = BATCH_SIZE): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Options of every work job. Provider and receiver answers never fail a job (they are recorded and
 * handed off as `one` jobs), so BullMQ's attempts only cover a run that threw (Redis or the process
 * failed): a few re-runs, after which the one settle path fails what the job still owned.
 */
export const WORK_JOB_OPTIONS = { attempts: 3, backoff: { type: 'exponential', delay: 1000 }, ...KEEP_FINISHED_JOBS } satisfies JobsOptions;

/** The BullMQ `add` arguments of a work job; `extra` adds a delay or a priority. */
export function workJobEntry(job: WorkJob, extra: Pick<JobsOptions, 'delay' | 'priority'> = {}): { name: WorkJob['kind']; data: WorkJob; opts: JobsOptions } {
  return { name: job.kind, data: job, opts: { ...WORK_JOB_OPTIONS, ...extra, jobId: jobIdOf(job) } };
}
