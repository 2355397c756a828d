/** A message as recorded, before any attempt: pending, no attempts. */
export interface FreshMessage {
  endpointId: string;
  body: string;
}

/** Options of FreshMessages. */
export interface FreshMessagesOptions {
  /**
   * Messages held at most; past it the oldest goes. Default 2,000: far more than wait between
   * recording and a first attempt while delivery keeps up (the bodies are the events' own strings).
   */
  capacity?: number;
}

/**
 * Messages this process has just recorded, held until their first delivery attempt: the deliver
 * job of a new message nearly always runs in the process that recorded its event (`start`, or a
 * worker serving both queues), and then the attempt need not read back what was just written.
 * Taking removes the entry, so only that one read is saved, and so does any write to the message
 * in this process (WebhookMessageStore). A message whose first job ran in another process is dropped,
 * oldest first, once `capacity` newer ones came after it; a job of this process that took it
 * after all finds out when recording its attempt (a compare-and-set) and reads the message then.
 */
export class FreshMessages {
  private readonly entries = new Map<string, FreshMessage>();
  private readonly capacity: number;

  constructor(options: FreshMessagesOptions = {}) {
    this.capacity = options.capacity ?? 2_000;
  }

  /** Holds the new messages of an event just recorded with `payload` as their body. */
  remember(payload: string, messages: { id: string; endpointId: string }[]): void {
    for (const { id, endpointId } of messages) {
      this.entries.set(id, { endpointId, body: payload });
      if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    }
  }

  take(id: string): FreshMessage | undefined {
    const message = this.entries.get(id);
    if (message) this.entries.delete(id);
    return message;
  }
}
