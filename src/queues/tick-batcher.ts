interface Waiting<T> {
  items: T[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Gathers what is added during one turn of the event loop and hands it over in one call. Jobs
 * that finish together (their Redis replies arrive in the same pipeline) then share one queue
 * write instead of one each; a lone add waits no longer than the current turn. Each `add`
 * resolves once its items were handed over, so a caller never finishes before its work is queued.
 */
export class TickBatcher<T> {
  private waiting: Waiting<T>[] = [];

  constructor(private readonly handOver: (items: T[]) => Promise<void>) {}

  add(items: T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      if (this.waiting.length === 0) setImmediate(() => void this.flush());
      this.waiting.push({ items, resolve, reject });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.waiting;
    this.waiting = [];
    try {
      await this.handOver(batch.flatMap((w) => w.items));
      for (const w of batch) w.resolve();
    } catch (err) {
      for (const w of batch) w.reject(err);
    }
  }
}
