/**
 * The connect request state machine of DESIGN §2, as pure data. The Redis scripts receive the
 * allowed "from" states computed here, so the rules live in one place.
 */
export const REQUEST_STATUSES = ['queued', 'validating', 'retrying', 'linked', 'failed'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export const FINAL_STATUSES: readonly RequestStatus[] = ['linked', 'failed'];
/** Statuses that still have work ahead (a validate job behind them). */
export const UNFINISHED_STATUSES = ['queued', 'validating', 'retrying'] as const satisfies readonly RequestStatus[];

export const CONFIRMATIONS = ['pending', 'confirmed', 'unconfirmed', 'not_required'] as const;
export type Confirmation = (typeof CONFIRMATIONS)[number];

const TRANSITIONS: Record<RequestStatus, readonly RequestStatus[]> = {
  queued: ['validating', 'failed'],
  validating: ['retrying', 'linked', 'failed', 'validating'],
  retrying: ['validating', 'failed'],
  linked: [],
  failed: [],
};

export function isFinal(status: RequestStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

export function canTransition(from: RequestStatus, to: RequestStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Every state a request may be in for `to` to be a legal next step. */
export function sourcesOf(to: RequestStatus): RequestStatus[] {
  return REQUEST_STATUSES.filter((from) => canTransition(from, to));
}

/**
 * Confirmation moves forward only, except that a redelivery may turn `unconfirmed` into
 * `confirmed`. `not_required` is decided once, when the result is known.
 */
const CONFIRMATION_TRANSITIONS: Record<Confirmation, readonly Confirmation[]> = {
  pending: ['confirmed', 'unconfirmed', 'not_required'],
  unconfirmed: ['confirmed', 'pending'],
  confirmed: [],
  not_required: [],
};

export function canConfirm(from: Confirmation, to: Confirmation): boolean {
  return CONFIRMATION_TRANSITIONS[from].includes(to);
}

export function confirmationSourcesOf(to: Confirmation): Confirmation[] {
  return CONFIRMATIONS.filter((from) => canConfirm(from, to));
}
