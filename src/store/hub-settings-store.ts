import type { RedisClient } from './redis-client.js';
import { key, platformBase } from './keys.js';
import type { HubSettings, HubSettingsInput } from '../domain/schemas/hub-settings.js';

const DEFAULTS: HubSettings = { displayName: null, logo: null, accentColor: null, updatedAt: null };

/** A platform's Connect Hub branding: one small JSON value per platform, kept until replaced. */
export class HubSettingsStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  private k(platformId: string) {
    return key.hubSettings(platformBase(this.prefix, platformId));
  }

  async get(platformId: string): Promise<HubSettings> {
    const raw = await this.redis.get(this.k(platformId));
    return raw ? (JSON.parse(raw) as HubSettings) : DEFAULTS;
  }

  async put(platformId: string, input: HubSettingsInput, now = new Date()): Promise<HubSettings> {
    const settings: HubSettings = {
      displayName: input.displayName ?? null,
      logo: input.logo ?? null,
      accentColor: input.accentColor?.toLowerCase() ?? null,
      updatedAt: now.toISOString(),
    };
    await this.redis.set(this.k(platformId), JSON.stringify(settings));
    return settings;
  }
}
