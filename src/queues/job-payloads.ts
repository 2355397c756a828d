/** Job data holds ids only: never a key, never a payload that could carry one. The validate queue's jobs are in work-job.ts. */

/** Delivery of one message until it settles: its retries after a first attempt, or a manual redelivery. */
export interface DeliverJobData {
  platformId: string;
  messageId: string;
  /** Attempts an earlier job already made in this run (the shared first attempt), so the retry schedule continues where it left off. */
  attemptsBefore?: number;
}

/** The first attempt of each of several messages published together; a message that needs a retry gets its own DeliverJobData job. */
export interface FirstAttemptsJobData {
  platformId: string;
  messageIds: string[];
}

/** Job names on the deliver queue. */
export const DELIVER_JOB = { firstAttempts: 'first-attempts', deliver: 'deliver' } as const;

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
