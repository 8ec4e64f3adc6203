import { describe, it, expect } from 'vitest';
import { Writable } from 'node:stream';
import { createLogger } from './logger.ts';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _e, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, logger: createLogger('info', stream) };
}

describe('logger redaction', () => {
  it('never writes a full ID number, phone, password or token', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        password: 'hunter2',
        token: 'abc',
        data: { identity: { idNumber: '11010519491231002X', phone: '13812345678' } },
      },
      'request',
    );
    logger.warn('bad request from 11010519491231002X / 13812345678');
    logger.error(new Error('id 110105491231002 refused'));
    const out = lines.join('');
    expect(out).not.toContain('11010519491231002X');
    expect(out).not.toContain('110105491231002');
    expect(out).not.toContain('13812345678');
    expect(out).not.toContain('hunter2');
    expect(out).toContain('1101**********002X');
    expect(out).toContain('138****5678');
  });
});
