/** Job data holds ids only: never a key, never a payload that could carry one. The validate queue's jobs are in work-job.ts. */

export interface RevalidateJobData {
  platformId: string;
  accountId: string;
  /** Why the check runs: a platform's explicit call or the scheduled sweep. */
  reason: 'manual' | 'scheduled';
  /** 429 answers waited out so far (they spend no attempt but lengthen the next wait). */
  rateLimitWaits?: number;
}

/** The scheduled sweep that fans out one check per active account; it carries nothing. */
export type RevalidateSweepJobData = Record<string, never>;

/** Job names on the revalidate queue. */
export const REVALIDATE_JOB = { check: 'revalidate', sweep: 'sweep' } as const;
