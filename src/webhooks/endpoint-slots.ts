/**
 * Caps the deliveries in flight to one endpoint in this process, so a receiver that answers slowly
 * (or drips its answer until the attempt's deadline) holds at most `perEndpoint` of the deliver
 * worker's slots and every other endpoint keeps the rest. A delivery that finds its endpoint full
 * waits briefly in line (a healthy endpoint frees a slot within milliseconds, so bursts to it queue
 * up here) and is otherwise turned away, to be tried again later without costing an attempt.
 */
export class EndpointSlots {
  private readonly inFlight = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(
    /** LINKER_WEBHOOK_ENDPOINT_CONCURRENCY: deliveries in flight per endpoint per worker process. */
    private readonly perEndpoint: number,
    /** How long a delivery waits in line for a slot before it is turned away, in ms. */
    private readonly maxWaitMs: number,
  ) {}

  /** True with a slot held (give it back with `release`), false when none freed within the wait. */
  acquire(endpointId: string): Promise<boolean> | boolean {
    const held = this.inFlight.get(endpointId) ?? 0;
    if (held < this.perEndpoint) {
      this.inFlight.set(endpointId, held + 1);
      return true;
    }
    return new Promise<boolean>((resolve) => {
      const line = this.waiting.get(endpointId) ?? [];
      this.waiting.set(endpointId, line);
      const take = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        line.splice(line.indexOf(take), 1);
        if (line.length === 0) this.waiting.delete(endpointId);
        resolve(false);
      }, this.maxWaitMs);
      line.push(take);
    });
  }

  /** Hands the slot to the next delivery in line, or frees it. */
  release(endpointId: string): void {
    const line = this.waiting.get(endpointId);
    const next = line?.shift();
    if (line?.length === 0) this.waiting.delete(endpointId);
    if (next) return next();
    const held = (this.inFlight.get(endpointId) ?? 1) - 1;
    if (held > 0) this.inFlight.set(endpointId, held);
    else this.inFlight.delete(endpointId);
  }
}
