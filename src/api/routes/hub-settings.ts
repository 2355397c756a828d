import { defineRoute, type AnyRouteSpec } from '../route-kit.js';
import type { Runtime } from '../../runtime/runtime.js';
import { hubSettingsInputSchema, hubSettingsSchema } from '../../domain/schemas/hub-settings.js';
import { HubSettingsStore } from '../../store/hub-settings-store.js';

/** The platform's branding of its Connect Hub pages. */
export function hubSettingsRoutes(rt: Runtime): AnyRouteSpec[] {
  const settings = new HubSettingsStore(rt.redis, rt.env.LINKER_REDIS_PREFIX);
  return [
    defineRoute({
      method: 'GET',
      url: '/v1/hub-settings',
      summary: 'The branding your end users see on the Connect Hub',
      tag: 'connect sessions',
      auth: 'platform',
      response: { status: 200, description: 'the current settings (all null: the defaults)', schema: hubSettingsSchema },
      handler: async ({ platformId }) => ({ body: await settings.get(platformId) }),
    }),
    defineRoute({
      method: 'PUT',
      url: '/v1/hub-settings',
      summary: 'Replace the Connect Hub branding: display name, logo and accent colour',
      tag: 'connect sessions',
      auth: 'platform',
      body: hubSettingsInputSchema,
      response: { status: 200, description: 'the settings now in force', schema: hubSettingsSchema },
      handler: async ({ platformId, body }) => ({ body: await settings.put(platformId, body) }),
    }),
  ];
}
