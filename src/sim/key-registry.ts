import { parseKeyBehavior, type KeyBehavior, type ResolvedKeyBehavior } from './key-behaviors.js';
import { behaviorFromKeyName } from './key-convention.js';

export type KeySource = 'registered' | 'convention' | 'unknown';

/**
 * Which behaviour each key has, and how far each stateful key (flaky, rate_limited) has got.
 * Counters are per key so that one tenant's flaky key never eats another's failures.
 */
export class KeyRegistry {
  #registered = new Map<string, ResolvedKeyBehavior>();
  #hits = new Map<string, number>();

  /** Registers (or replaces) a key; its counters start again from zero. */
  set(key: string, behavior: KeyBehavior): ResolvedKeyBehavior {
    if (key.length === 0) throw new Error('A simulator key cannot be empty');
    const parsed = parseKeyBehavior(behavior);
    this.#registered.set(key, parsed);
    this.#hits.delete(key);
    return parsed;
  }

  /** Unregisters a key (it falls back to the naming convention); true if it was registered. */
  delete(key: string): boolean {
    this.#hits.delete(key);
    return this.#registered.delete(key);
  }

  /** Registered behaviour first, then the naming convention; undefined means 401. */
  resolve(key: string): ResolvedKeyBehavior | undefined {
    return this.#registered.get(key) ?? behaviorFromKeyName(key);
  }

  describe(key: string): { source: KeySource; behavior?: ResolvedKeyBehavior } {
    const registered = this.#registered.get(key);
    if (registered) return { source: 'registered', behavior: registered };
    const conventional = behaviorFromKeyName(key);
    return conventional ? { source: 'convention', behavior: conventional } : { source: 'unknown' };
  }

  /** How many earlier requests this key's behaviour has answered; counts this one. */
  nextHit(key: string): number {
    const hit = this.#hits.get(key) ?? 0;
    this.#hits.set(key, hit + 1);
    return hit;
  }

  /** Restarts every key's flaky / rate_limited sequence; registrations stay. */
  resetCounters(): void {
    this.#hits.clear();
  }
}
