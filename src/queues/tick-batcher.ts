interface Waiting<T> {
  items: T[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Gathers what is added during one turn of the event loop, and while a hand-over is in flight,
 * and hands it over in one call (group commit). Jobs that finish together then share one queue
 * write instead of one each, and the busier the process, the more share it; a lone add waits no
 * longer than the current turn. Each `add` resolves once its items were handed over, so a caller
 * never finishes before its work is queued.
 */
export class TickBatcher<T> {
  private waiting: Waiting<T>[] = [];
  /** A flush is scheduled or running; the next one starts when it is done. */
  private busy = false;

  constructor(private readonly handOver: (items: T[]) => Promise<void>) {}

  add(items: T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ items, resolve, reject });
      if (!this.busy) this.schedule();
    });
  }

  private schedule(): void {
    this.busy = true;
    setImmediate(() => void this.flush());
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
    if (this.waiting.length > 0) this.schedule();
    else this.busy = false;
  }
}
