import { Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { lazyChild } from '../../src/observability/lazy-child.js';

function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger(level, destination), lines };
}

describe('lazyChild', () => {
  it('writes enabled lines with the bindings, redacted as a child would', async () => {
    const { logger, lines } = capture('info');
    const log = lazyChild(logger, { requestId: 'cr_1', apiKey: 'sr-key-123' });
    log.info({ attempt: 2 }, 'checked');
    log.child({ jobId: 'j1' }).warn('again');
    await new Promise((r) => setImmediate(r));
    expect(lines).toMatchObject([
      { level: 30, requestId: 'cr_1', apiKey: '[redacted]', attempt: 2, msg: 'checked' },
      { level: 40, requestId: 'cr_1', jobId: 'j1', msg: 'again' },
    ]);
    expect(JSON.stringify(lines)).not.toContain('sr-key-123');
  });

  it('makes no child while only disabled levels are called', () => {
    const { logger, lines } = capture('warn');
    const child = vi.spyOn(logger, 'child');
    const log = lazyChild(logger, { requestId: 'cr_2' });
    log.info('not written');
    log.debug('not written either');
    expect(child).not.toHaveBeenCalled();
    expect(log.isLevelEnabled('info')).toBe(false);
    log.warn('written');
    expect(child).toHaveBeenCalledTimes(1);
    expect(lines).toHaveLength(1);
  });
});
