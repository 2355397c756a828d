import { Queue } from 'bullmq';
import type { RedisClient } from '../store/redis-client.js';
import { queuePrefix } from '../store/keys.js';
import { QUEUE } from './queue-names.js';
import type { DeliverJobData, ValidateJobData } from './job-payloads.js';
import { deliverJobOptions, validateJobOptions } from './job-options.js';

export interface ProducerSettings {
  prefix: string;
  validationAttempts: number;
  /** Retries after the first delivery attempt (length of the webhook schedule). */
  webhookRetries: number;
}

/** Enqueues work. Job ids are the record ids, so enqueueing the same record twice is a no-op. */
export class Producers {
  readonly validate: Queue<ValidateJobData>;
  readonly deliver: Queue<DeliverJobData>;

  constructor(
    connection: RedisClient,
    private readonly settings: ProducerSettings,
  ) {
    const prefix = queuePrefix(settings.prefix);
    this.validate = new Queue<ValidateJobData>(QUEUE.validate, { connection, prefix });
    this.deliver = new Queue<DeliverJobData>(QUEUE.deliver, { connection, prefix });
  }

  async enqueueValidations(jobs: ValidateJobData[]): Promise<void> {
    if (jobs.length === 0) return;
    const opts = validateJobOptions(this.settings.validationAttempts);
    await this.validate.addBulk(jobs.map((data) => ({ name: 'validate', data, opts: { ...opts, jobId: data.requestId } })));
  }

  /** `run` distinguishes a manual redelivery from the first delivery of the same message. */
  async enqueueDeliveries(jobs: DeliverJobData[], run = 0): Promise<void> {
    if (jobs.length === 0) return;
    const opts = deliverJobOptions(this.settings.webhookRetries + 1);
    await this.deliver.addBulk(
      jobs.map((data) => ({ name: 'deliver', data, opts: { ...opts, jobId: run ? `${data.messageId}-r${run}` : data.messageId } })),
    );
  }

  async close(): Promise<void> {
    await Promise.all([this.validate.close(), this.deliver.close()]);
  }
}
