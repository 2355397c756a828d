import type { Provider } from '../domain/schemas/common.js';
import type { ProviderClient } from './provider.js';
import { SmartRecruitersClient } from './smartrecruiters/smartrecruiters-client.js';

export interface ProviderSettings {
  smartrecruitersBaseUrl: string;
  timeoutMs: number;
}

/** One client per provider; adding a provider means adding its client here and to PROVIDERS. */
export function createProviders(settings: ProviderSettings): Map<Provider, ProviderClient> {
  return new Map<Provider, ProviderClient>([
    ['smartrecruiters', new SmartRecruitersClient({ baseUrl: settings.smartrecruitersBaseUrl, timeoutMs: settings.timeoutMs })],
  ]);
}
