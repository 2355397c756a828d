/** One endpoint's deliveries in this process. */
interface Endpoint {
  held: number;
  /** Deliveries waiting for a slot, first come first served. */
  line: (() => void)[];
  /** When a slot of this endpoint was last freed (performance.now()): the endpoint is making progress. */
  freedAt: number;
}

/**
 * Caps the deliveries in flight to one endpoint in this process, so a receiver that answers slowly
 * (or drips its answer until the attempt's deadline) holds at most `perEndpoint` of the deliver
 * worker's slots and every other endpoint keeps the rest. A delivery that finds its endpoint full
 * waits in line while the endpoint makes progress (frees a slot at least every `stallMs`): bursts
 * to a healthy receiver queue up here and lose nothing. Once the endpoint has freed nothing for
 * `stallMs`, a waiting delivery is turned away, to be tried again later without costing an attempt.
 */
export class EndpointSlots {
  private readonly endpoints = new Map<string, Endpoint>();

  constructor(
    /** LINKER_WEBHOOK_ENDPOINT_CONCURRENCY: deliveries in flight per endpoint per worker process. */
    private readonly perEndpoint: number,
    /** How long an endpoint may free no slot before the deliveries waiting for it are turned away, in ms. */
    private readonly stallMs: number,
  ) {}

  /** True with a slot held (give it back with `release`), false when the endpoint stalled while this one waited. */
  acquire(endpointId: string): Promise<boolean> | boolean {
    const endpoint = this.endpoints.get(endpointId) ?? { held: 0, line: [], freedAt: performance.now() };
    this.endpoints.set(endpointId, endpoint);
    if (endpoint.held < this.perEndpoint) {
      endpoint.held += 1;
      return true;
    }
    const { line } = endpoint;
    return new Promise<boolean>((resolve) => {
      let timer: NodeJS.Timeout;
      const take = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const check = () => {
        const stalledFor = performance.now() - endpoint.freedAt;
        if (stalledFor < this.stallMs) {
          timer = setTimeout(check, this.stallMs - stalledFor);
          return;
        }
        line.splice(line.indexOf(take), 1);
        this.forgetIfIdle(endpointId, endpoint);
        resolve(false);
      };
      timer = setTimeout(check, this.stallMs);
      line.push(take);
    });
  }

  /** Hands the slot to the next delivery in line, or frees it. */
  release(endpointId: string): void {
    const endpoint = this.endpoints.get(endpointId);
    if (!endpoint) return;
    endpoint.freedAt = performance.now();
    const next = endpoint.line.shift();
    if (next) return next();
    endpoint.held -= 1;
    this.forgetIfIdle(endpointId, endpoint);
  }

  private forgetIfIdle(endpointId: string, endpoint: Endpoint): void {
    if (endpoint.held === 0 && endpoint.line.length === 0) this.endpoints.delete(endpointId);
  }
}
