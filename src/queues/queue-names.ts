/** BullMQ queue names. Workers and producers import them from here only. */
export const QUEUE = {
  validate: 'validate',
  deliver: 'deliver',
  revalidate: 'revalidate',
} as const;

export type QueueName = (typeof QUEUE)[keyof typeof QUEUE];
export const QUEUE_NAMES: QueueName[] = Object.values(QUEUE);
