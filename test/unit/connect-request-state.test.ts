import { describe, expect, it } from 'vitest';
import { canConfirm, canTransition, isFinal, REQUEST_STATUSES, sourcesOf } from '../../src/domain/connect-request-state.js';

describe('connect request state machine', () => {
  it('final states never move', () => {
    for (const to of REQUEST_STATUSES) {
      expect(canTransition('linked', to)).toBe(false);
      expect(canTransition('failed', to)).toBe(false);
    }
    expect(isFinal('linked') && isFinal('failed')).toBe(true);
    expect(isFinal('retrying')).toBe(false);
  });

  it('follows queued → validating → (retrying ↺) → linked | failed', () => {
    expect(canTransition('queued', 'validating')).toBe(true);
    expect(canTransition('validating', 'retrying')).toBe(true);
    expect(canTransition('retrying', 'validating')).toBe(true);
    expect(canTransition('validating', 'linked')).toBe(true);
    expect(canTransition('queued', 'linked')).toBe(false);
    expect(canTransition('retrying', 'linked')).toBe(false);
    expect(canTransition('validating', 'queued')).toBe(false);
  });

  it('sourcesOf lists exactly the states that may precede a state', () => {
    expect(sourcesOf('linked')).toEqual(['validating']);
    expect(sourcesOf('failed').sort()).toEqual(['queued', 'retrying', 'validating']);
  });

  it('confirmation only moves forward, except unconfirmed → confirmed on redelivery', () => {
    expect(canConfirm('pending', 'confirmed')).toBe(true);
    expect(canConfirm('unconfirmed', 'confirmed')).toBe(true);
    expect(canConfirm('confirmed', 'unconfirmed')).toBe(false);
    expect(canConfirm('not_required', 'confirmed')).toBe(false);
    expect(canConfirm('confirmed', 'pending')).toBe(false);
  });
});
