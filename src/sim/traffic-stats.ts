import { SlidingWindow } from './sliding-window.js';

/** What the simulator saw from one credential (or from all credentials sharing a fingerprint). */
export interface KeyTrafficStats {
  requests: number;
  /** Most requests that arrived in any sliding 1 s window, 429s and 401s included. */
  maxObservedPerSecond: number;
  /**
   * Most requests open at once, counting each one from arrival to response or disconnect,
   * refused ones included: a client that fired 9 at once shows 9 even though one got a 429.
   */
  maxConcurrent: number;
  byStatus: Record<string, number>;
}

export interface SimulatorStats {
  /** API requests (admin routes are not counted). */
  requests: number;
  byStatus: Record<string, number>;
  /**
   * Per key fingerprint: the last 4 characters, never the key. Keys sharing a fingerprint are
   * merged (counts summed, maxima taken); use keyStats(key) for one exact key.
   */
  byKey: Record<string, KeyTrafficStats>;
  /** Highest maxObservedPerSecond of any single key. */
  maxObservedPerSecond: number;
  /** Highest maxConcurrent of any single key. */
  maxConcurrent: number;
  /** Most API requests of all keys together that arrived in any sliding 1 s window. */
  maxTotalPerSecond: number;
  /** API requests open right now. */
  inFlight: number;
  /** Most API requests of all keys together that were open at once. */
  maxInFlight: number;
}

interface KeyTraffic {
  requests: number;
  arrivals: SlidingWindow;
  maxPerSecond: number;
  open: number;
  maxConcurrent: number;
  byStatus: Record<string, number>;
}

export function fingerprint(key: string): string {
  return key.slice(-4);
}

function bump(counts: Record<string, number>, status: number): void {
  const name = String(status);
  counts[name] = (counts[name] ?? 0) + 1;
}

/**
 * Per-credential request log so tests and the benchmark can assert what a client did
 * ("never more than 10/s for one key"), independent of what the limiter let through.
 */
export class TrafficStats {
  #requests = 0;
  #inFlight = 0;
  #maxInFlight = 0;
  #byStatus: Record<string, number> = {};
  #byKey = new Map<string, KeyTraffic>();
  #allArrivals = new SlidingWindow(1000);
  #maxTotalPerSecond = 0;

  /** Records an arrival; call the returned function once when the request ends (any way). */
  arrive(key: string | undefined, now: number): () => void {
    this.#requests++;
    this.#inFlight++;
    this.#maxInFlight = Math.max(this.#maxInFlight, this.#inFlight);
    this.#maxTotalPerSecond = Math.max(this.#maxTotalPerSecond, this.#allArrivals.add(now));
    let entry: KeyTraffic | undefined;
    if (key !== undefined) {
      entry = this.#byKey.get(key);
      if (!entry) {
        entry = {
          requests: 0,
          arrivals: new SlidingWindow(1000),
          maxPerSecond: 0,
          open: 0,
          maxConcurrent: 0,
          byStatus: {},
        };
        this.#byKey.set(key, entry);
      }
      entry.requests++;
      entry.maxPerSecond = Math.max(entry.maxPerSecond, entry.arrivals.add(now));
      entry.open++;
      entry.maxConcurrent = Math.max(entry.maxConcurrent, entry.open);
    }
    // Bound to this entry, so a reset() before the request ends cannot skew the new counts.
    const counted = entry;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.#inFlight--;
      if (counted) counted.open--;
    };
  }

  /** Records the status a request was answered with. */
  answered(key: string | undefined, status: number): void {
    bump(this.#byStatus, status);
    const entry = key === undefined ? undefined : this.#byKey.get(key);
    if (entry) bump(entry.byStatus, status);
  }

  /** Stats of one exact key, or undefined if it was never seen. */
  forKey(key: string): KeyTrafficStats | undefined {
    const entry = this.#byKey.get(key);
    return entry && {
      requests: entry.requests,
      maxObservedPerSecond: entry.maxPerSecond,
      maxConcurrent: entry.maxConcurrent,
      byStatus: { ...entry.byStatus },
    };
  }

  /** Highest request rate seen for `key`, or for any single key when omitted. */
  maxRatePerSecond(key?: string): number {
    if (key !== undefined) return this.#byKey.get(key)?.maxPerSecond ?? 0;
    let max = 0;
    for (const entry of this.#byKey.values()) max = Math.max(max, entry.maxPerSecond);
    return max;
  }

  snapshot(): SimulatorStats {
    const byKey: Record<string, KeyTrafficStats> = {};
    let maxObservedPerSecond = 0;
    let maxConcurrent = 0;
    for (const [key, entry] of this.#byKey) {
      maxObservedPerSecond = Math.max(maxObservedPerSecond, entry.maxPerSecond);
      maxConcurrent = Math.max(maxConcurrent, entry.maxConcurrent);
      const id = fingerprint(key);
      const merged = byKey[id];
      if (!merged) {
        byKey[id] = {
          requests: entry.requests,
          maxObservedPerSecond: entry.maxPerSecond,
          maxConcurrent: entry.maxConcurrent,
          byStatus: { ...entry.byStatus },
        };
        continue;
      }
      merged.requests += entry.requests;
      merged.maxObservedPerSecond = Math.max(merged.maxObservedPerSecond, entry.maxPerSecond);
      merged.maxConcurrent = Math.max(merged.maxConcurrent, entry.maxConcurrent);
      for (const [status, n] of Object.entries(entry.byStatus)) {
        merged.byStatus[status] = (merged.byStatus[status] ?? 0) + n;
      }
    }
    return {
      requests: this.#requests,
      byStatus: { ...this.#byStatus },
      byKey,
      maxObservedPerSecond,
      maxConcurrent,
      maxTotalPerSecond: this.#maxTotalPerSecond,
      inFlight: this.#inFlight,
      maxInFlight: this.#maxInFlight,
    };
  }

  reset(): void {
    this.#requests = 0;
    this.#byStatus = {};
    this.#byKey = new Map();
    this.#allArrivals.clear();
    this.#maxTotalPerSecond = 0;
    this.#maxInFlight = this.#inFlight;
    // #inFlight is not a statistic but a fact about open requests; it stays right across a reset.
  }
}
