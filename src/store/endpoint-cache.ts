/**
 * A per-process cache of each platform's webhook endpoints, decrypted once. Every link publishes an
 * event (subscribers) and delivers it (the endpoint and its secrets); without the cache each did
 * 1–2 Redis round trips and one AES-GCM decryption per endpoint.
 *
 * Freshness: every endpoint change bumps a per-platform version counter in Redis. A cached list is
 * trusted for `ttlMs`, then re-validated against the counter (one GET) and reloaded only if it moved.
 * Changes made through this process drop the entry at once; changes made by another process are
 * seen within `ttlMs`.
 */
export interface CachedEntry<T> {
  version: string;
  items: T[];
}

export interface EndpointCacheOptions<T> {
  /** Current version counter of a platform's endpoints. */
  readVersion(platformId: string): Promise<string>;
  /** Reads the version first, then the endpoints, so what is stored is never older than its version. */
  load(platformId: string): Promise<CachedEntry<T>>;
  /** How long a list is used without asking Redis. Default 1000 ms. */
  ttlMs?: number;
  now?: () => number;
}

interface Slot<T> {
  entry: CachedEntry<T>;
  checkedAt: number;
}

export class EndpointCache<T> {
  private readonly slots = new Map<string, Slot<T>>();
  /** One refresh per platform at a time: concurrent jobs wait for the same read. */
  private readonly refreshing = new Map<string, Promise<T[]>>();
  /** Bumped by forget(), so a read that was already under way cannot store what it saw before the change. */
  private generation = 0;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(private readonly options: EndpointCacheOptions<T>) {
    this.ttlMs = options.ttlMs ?? 1000;
    this.now = options.now ?? Date.now;
  }

  async get(platformId: string): Promise<T[]> {
    const slot = this.slots.get(platformId);
    if (slot && this.now() - slot.checkedAt < this.ttlMs) return slot.entry.items;
    let refresh = this.refreshing.get(platformId);
    if (!refresh) {
      const mine: Promise<T[]> = this.refresh(platformId, slot).finally(() => {
        if (this.refreshing.get(platformId) === mine) this.refreshing.delete(platformId);
      });
      this.refreshing.set(platformId, (refresh = mine));
    }
    return refresh;
  }

  forget(platformId: string): void {
    this.generation++;
    this.slots.delete(platformId);
    this.refreshing.delete(platformId);
  }

  private async refresh(platformId: string, slot: Slot<T> | undefined): Promise<T[]> {
    const checkedAt = this.now();
    const generation = this.generation;
    if (slot && (await this.options.readVersion(platformId)) === slot.entry.version) {
      slot.checkedAt = checkedAt;
      return slot.entry.items;
    }
    const entry = await this.options.load(platformId);
    if (generation === this.generation) this.slots.set(platformId, { entry, checkedAt });
    return entry.items;
  }
}
