/** Types of account-linker/hub (sdk.js). The message shapes match src/domain/schemas/hub-message.ts. */

/** What `account-linker:linked` carries: the account is linked and GET /v1/connect-requests/:id says so. */
export interface HubLinked {
  connectRequestId: string;
  accountId: string;
  tenantId: string;
  company: { name: string };
}

/** What `account-linker:failed` carries: a key that did not link (the end user may try another) or a link that expired. */
export interface HubFailure {
  /** A link error code (`invalid_credentials`, `insufficient_permissions`, …) or `session_expired`. */
  code: string;
  /** The sentence the end user sees. */
  title: string;
}

export interface OpenHubOptions {
  /** The `url` of POST /v1/connect-sessions; that session's allowedOrigins must list this page's origin. */
  url: string;
  /** Default 'popup' (call openHub from a click handler so the browser allows it). */
  mode?: 'popup' | 'iframe';
  /** For 'iframe': the element, or a selector of it, the Hub's frame goes into. */
  container?: Element | string;
  /** Called once, when the key is linked. The Hub stays open on its confirmation until the user closes it (or you call `close()`). */
  onSuccess?: (result: HubLinked) => void;
  /** Called for each key that fails, and when the link has expired. */
  onError?: (failure: HubFailure) => void;
  /** The end user pressed Cancel; the Hub closes right after. */
  onCancel?: () => void;
  /** The Hub is gone (closed by the user, after Cancel or Close, or by `close()`); listener and frame are removed. Called once. */
  onClose?: () => void;
}

export interface HubHandle {
  /** Closes the popup or removes the frame, stops listening, and calls onClose. */
  close(): void;
  /** The Hub's window (the popup, or the frame's content window). */
  window: Window;
}

export function openHub(options: OpenHubOptions): HubHandle;
