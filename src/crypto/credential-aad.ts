/**
 * Additional authenticated data for a stored API key: the ciphertext only decrypts for the
 * platform, provider and tenant it was submitted for, whether it sits on a request or an account.
 */
export function credentialAad(platformId: string, provider: string, tenantId: string): string {
  return `credential/${platformId}/${provider}/${tenantId}`;
}
