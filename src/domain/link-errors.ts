/** Final error codes of a failed connect request (DESIGN §2), with the advice the platform passes on. */
export const LINK_ERROR_CODES = [
  'invalid_credentials',
  'insufficient_permissions',
  'provider_error',
  'provider_unavailable',
  'canceled',
] as const;
export type LinkErrorCode = (typeof LINK_ERROR_CODES)[number];

export interface LinkError {
  code: LinkErrorCode;
  message: string;
}

export const LINK_ERROR_ADVICE: Record<LinkErrorCode, string> = {
  invalid_credentials:
    'SmartRecruiters did not accept the API key. Check that it was copied whole, or create a new one under Settings → Apps & Integrations → Credentials.',
  insufficient_permissions:
    "The API key is valid but cannot read the company. Give the credential a System Role and an Access Group that allow company access (or ask SmartRecruiters to enable the Customer API).",
  provider_error: 'SmartRecruiters rejected the request. Check the key and try again; contact support if it persists.',
  provider_unavailable: 'SmartRecruiters could not be reached after several attempts. Submit the request again later.',
  canceled: 'The request was canceled before it finished.',
};
