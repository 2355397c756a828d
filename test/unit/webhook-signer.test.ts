import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { generateWebhookSecret, signMessage } from '../../src/webhooks/signer.js';

const body = JSON.stringify({ type: 'account.linked', timestamp: '2024-01-01T00:00:00Z', data: { accountId: 'acc_1' } });

function headersFor(msgId: string, timestamp: Date, signature: string): Record<string, string> {
  return {
    'webhook-id': msgId,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': signature,
  };
}

describe('generateWebhookSecret', () => {
  it('is whsec_ + base64 of 32 random bytes and unique', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(secret);
  });
});

describe('signMessage', () => {
  it('produces a header standardwebhooks verifies', () => {
    const secret = generateWebhookSecret();
    const now = new Date();
    const signature = signMessage([secret], 'msg_1', now, body);
    expect(signature).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, headersFor('msg_1', now, signature))).toEqual(JSON.parse(body));
  });

  it('signs with every secret during rotation so either receiver verifies', () => {
    const oldSecret = generateWebhookSecret();
    const newSecret = generateWebhookSecret();
    const now = new Date();
    const signature = signMessage([oldSecret, newSecret], 'msg_2', now, body);
    expect(signature.split(' ')).toHaveLength(2);
    const headers = headersFor('msg_2', now, signature);
    expect(() => new Webhook(oldSecret).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(newSecret).verify(body, headers)).not.toThrow();
  });

  it('is rejected for a tampered body, a wrong secret, or a changed id', () => {
    const secret = generateWebhookSecret();
    const now = new Date();
    const headers = headersFor('msg_3', now, signMessage([secret], 'msg_3', now, body));
    expect(() => new Webhook(secret).verify(body.replace('acc_1', 'acc_2'), headers)).toThrow(/No matching signature/);
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow(/No matching signature/);
    expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-id': 'msg_4' })).toThrow(/No matching signature/);
  });

  it('is rejected when the timestamp is 10 minutes old', () => {
    const secret = generateWebhookSecret();
    const tenMinutesAgo = new Date(Date.now() - 10 * 60 * 1000);
    const headers = headersFor('msg_5', tenMinutesAgo, signMessage([secret], 'msg_5', tenMinutesAgo, body));
    expect(() => new Webhook(secret).verify(body, headers)).toThrow(/too old/);
  });

  it('signs exactly as the standardwebhooks package does, for any body, id and secret form', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.stringMatching(/^msg_[a-z0-9]{1,26}$/), fc.integer({ min: 0, max: 4_000_000_000 }), fc.boolean(), (text, msgId, seconds, prefixed) => {
        const secret = generateWebhookSecret();
        const given = prefixed ? secret : secret.slice('whsec_'.length);
        const at = new Date(seconds * 1000);
        expect(signMessage([given], msgId, at, text)).toBe(new Webhook(given).sign(msgId, at, text));
      }),
    );
  });

  it('refuses to sign without a secret', () => {
    expect(() => signMessage([], 'msg_6', new Date(), body)).toThrow(/at least one/);
  });
});
