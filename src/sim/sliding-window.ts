/**
 * Timestamps of events in the trailing `windowMs` (an event at `t` is inside the window at
 * `now` while `t > now - windowMs`). A log rather than fixed buckets because "never more than
 * N per second" must hold for every 1 s interval, not only for aligned ones.
 */
export class SlidingWindow {
  #times: number[] = [];
  // A moving head instead of shift(): shift() is O(n) and this runs on every request.
  #head = 0;

  constructor(readonly windowMs = 1000) {}

  /** Events in the window ending at `now`. */
  count(now: number): number {
    this.#prune(now);
    return this.#times.length - this.#head;
  }

  /** Records an event at `now`; returns the count including it. */
  add(now: number): number {
    this.#prune(now);
    this.#times.push(now);
    return this.#times.length - this.#head;
  }

  /** When the oldest event in the window leaves it, or `now` if the window is empty. */
  nextExpiry(now: number): number {
    this.#prune(now);
    const oldest = this.#times[this.#head];
    return oldest === undefined ? now : oldest + this.windowMs;
  }

  clear(): void {
    this.#times = [];
    this.#head = 0;
  }

  #prune(now: number): void {
    const cutoff = now - this.windowMs;
    const times = this.#times;
    while (this.#head < times.length && times[this.#head]! <= cutoff) this.#head++;
    if (this.#head === times.length) {
      this.#times = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > times.length) {
      this.#times = times.slice(this.#head);
      this.#head = 0;
    }
  }
}
