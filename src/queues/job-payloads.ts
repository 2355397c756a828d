/** Job data holds ids only: never a key, never a payload that could carry one. */
export interface ValidateJobData {
  platformId: string;
  requestId: string;
  /** Attempts an earlier job already counted (a shared first attempt), so the retry schedule continues where it left off. */
  attemptsBefore?: number;
}

/** The first attempts of several requests submitted together; a request that needs a retry gets its own ValidateJobData job. */
export interface FirstValidationsJobData {
  platformId: string;
  requestIds: string[];
}

/** Job names on the validate queue. */
export const VALIDATE_JOB = { firstAttempts: 'first-attempts', validate: 'validate' } as const;

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
