import type { LinkError } from '../domain/link-errors.js';

export interface PlainError {
  title: string;
  detail: string;
}

/** What an end user reads when a connect link cannot send a key (also the Hub API's problem texts). */
export const SESSION_MESSAGES = {
  used: {
    title: 'This link has already been used',
    detail: 'Each connect link sends one API key. If you need to connect again, go back to the app that sent you here and start connecting again to get a fresh link.',
  },
  expired: {
    title: 'This link has expired',
    detail: 'For your security, a connect link works for a limited time. Go back to the app that sent you here and start connecting again to get a fresh link.',
  },
  invalid: {
    title: 'This link is not valid',
    detail: 'The link may have been cut off or changed when it was copied. Open it again from the app that sent you here, or start connecting again there to get a fresh link.',
  },
} satisfies Record<string, PlainError>;

/** SmartRecruiters answers 403 with this message when the company has no Customer API at all. */
const NO_API_FEATURE = /No access to feature/i;

/**
 * What a failed link means to the person holding the key, and what they can do about it. The
 * platform-facing advice (LINK_ERROR_ADVICE) speaks to developers; this speaks to an administrator
 * of a SmartRecruiters company, who may never have seen our API.
 */
export function explainFailure(error: LinkError): PlainError {
  switch (error.code) {
    case 'invalid_credentials':
      return {
        title: 'SmartRecruiters did not accept this API key',
        detail: 'Check that you copied the whole key (32 characters) and nothing else. If the key was deleted or you no longer have it, create a new one in SmartRecruiters and paste it here.',
      };
    case 'insufficient_permissions':
      return NO_API_FEATURE.test(error.message)
        ? {
            title: 'Your SmartRecruiters company does not have API access',
            detail: 'The key is fine, but API access (the "Customer API" feature) is not switched on for your company. Ask your SmartRecruiters account manager or support to enable it, then try again.',
          }
        : {
            title: 'This API key is missing an access group or role',
            detail: 'The key works, but it is not allowed to read your company settings. In SmartRecruiters, open Settings → Apps & Integrations → Credentials, give the credential a System Role with administrator rights and an Access Group that covers your company (or create a new key with them), then try again.',
          };
    case 'provider_error':
      return {
        title: 'SmartRecruiters refused the request',
        detail: 'Check the key and try again. If it keeps happening, contact the support of the app that sent you here.',
      };
    case 'provider_unavailable':
      return {
        title: 'SmartRecruiters could not be reached',
        detail: 'We kept trying for several minutes without an answer. Your key was not saved. Please try again later.',
      };
    case 'canceled':
      return { title: 'The connection was canceled', detail: 'Nothing was saved. You can try again.' };
  }
}
