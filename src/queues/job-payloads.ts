/** Job data holds ids only: never a key, never a payload that could carry one. */
export interface ValidateJobData {
  platformId: string;
  requestId: string;
}

export interface DeliverJobData {
  platformId: string;
  messageId: string;
}

export interface RevalidateJobData {
  platformId: string;
  accountId: string;
  /** Why the check runs: a platform's explicit call or the scheduled sweep. */
  reason: 'manual' | 'scheduled';
}
