import { describe, expect, it } from 'vitest';
import { FreshMessages } from '../../src/store/fresh-messages.js';

const body = '{"type":"account.linked"}';

describe('FreshMessages', () => {
  it('gives a recorded message to its first taker only, with its endpoint and the recorded body', () => {
    const fresh = new FreshMessages();
    fresh.remember(body, [{ id: 'msg_1', endpointId: 'we_1' }]);
    expect(fresh.take('msg_1')).toEqual({ endpointId: 'we_1', body });
    expect(fresh.take('msg_1')).toBeUndefined();
  });

  it('drops the oldest messages past its capacity', () => {
    const fresh = new FreshMessages({ capacity: 2 });
    fresh.remember(body, [{ id: 'a', endpointId: 'we_1' }, { id: 'b', endpointId: 'we_1' }]);
    fresh.remember(body, [{ id: 'c', endpointId: 'we_2' }]);
    expect(fresh.take('a')).toBeUndefined();
    expect(fresh.take('b')?.endpointId).toBe('we_1');
    expect(fresh.take('c')?.endpointId).toBe('we_2');
  });
});
