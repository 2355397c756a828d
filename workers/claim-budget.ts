/**
 * How many requests the process's batch jobs may hold claimed at once. A batch job takes as many
 * units as it has requests (at most the whole budget) before it claims them and gives them back
 * when it is done; jobs are served first come, first served, so a large job is never passed over
 * for ever by smaller ones.
 */
export class ClaimBudget {
  private free: number;
  private readonly line: { units: number; start: () => void }[] = [];

  constructor(readonly size: number) {
    this.free = size;
  }

  async run<T>(requests: number, work: () => Promise<T>): Promise<T> {
    const units = Math.min(requests, this.size);
    if (this.line.length === 0 && this.free >= units) this.free -= units;
    else await new Promise<void>((start) => this.line.push({ units, start }));
    try {
      return await work();
    } finally {
      this.free += units;
      this.startWaiting();
    }
  }

  private startWaiting(): void {
    for (let next = this.line[0]; next && this.free >= next.units; next = this.line[0]) {
      this.line.shift();
      this.free -= next.units;
      next.start();
    }
  }
}
