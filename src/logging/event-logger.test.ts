import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createEventLog } from './event-log.js';
import { eventLogger } from './event-logger.js';

describe('eventLogger', () => {
  it('writes controller log calls as event lines and forwards them', () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d) => {
      text += d;
    });
    const forwarded: string[] = [];
    const logger = eventLogger(createEventLog(out, { now: () => 0 }), {
      info: (m) => forwarded.push(`info ${m}`),
      warn: (m) => forwarded.push(`warn ${m}`),
      error: (m) => forwarded.push(`error ${m}`),
    });
    logger.info('transition', { deployment: 'spam', from: 'Validating', event: 'validationPassed' });
    logger.warn('observation signals unavailable', { error: 'timeout' });
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({
      time: '1970-01-01T00:00:00.000Z',
      level: 'info',
      event: 'transition',
      deployment: 'spam',
      from: 'Validating',
      trigger: 'validationPassed',
    });
    expect(lines[1]).toMatchObject({
      level: 'warn',
      event: 'observation signals unavailable',
      error: 'timeout',
    });
    expect(forwarded).toEqual(['info transition', 'warn observation signals unavailable']);
  });
});
