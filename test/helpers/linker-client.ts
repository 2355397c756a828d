import { createLinkerClient, type LinkerClient } from '../../src/client/index.js';
import { checkedFetch } from './openapi-validator.js';
import { PLATFORMS } from './test-env.js';

/** The package's typed client as a test uses it: as acme unless told otherwise, every answer checked against /openapi.json. */
export function testClient(baseUrl: string, token: string = PLATFORMS.acme): LinkerClient {
  return createLinkerClient({ baseUrl, token, fetch: checkedFetch(baseUrl) });
}
