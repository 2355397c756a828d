/**
 * The provider calls one worker process makes at once (LINKER_CONCURRENCY), shared by every job it
 * runs. A batch job starts all its checks together (their results finish together, which lets the
 * webhooks of a batch share deliver jobs), and they queue here; an interactive call (a `one` job:
 * a single or Hub link, a retry) takes the next free slot ahead of any queued bulk call, so it
 * never waits behind the thousand checks the process's batch jobs hold.
 */
export class CallSlots {
  private free: number;
  private readonly interactive: (() => void)[] = [];
  private readonly bulk: (() => void)[] = [];

  constructor(readonly size: number) {
    this.free = size;
  }

  async run<T>(interactive: boolean, call: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free -= 1;
    else await new Promise<void>((resolve) => (interactive ? this.interactive : this.bulk).push(resolve));
    try {
      return await call();
    } finally {
      const next = this.interactive.shift() ?? this.bulk.shift();
      if (next) next();
      else this.free += 1;
    }
  }
}
