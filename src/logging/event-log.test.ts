import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createEventLog } from './event-log.js';

const dir = mkdtempSync(join(tmpdir(), 'greenlight-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function collect(stream: PassThrough): () => string {
  let text = '';
  stream.on('data', (d) => {
    text += d;
  });
  return () => text;
}

describe('createEventLog', () => {
  it('writes one JSON object per line with time, level, event and the event fields', async () => {
    const file = join(dir, 'nested', 'greenlight.log');
    const log = createEventLog(file, { now: () => Date.UTC(2026, 0, 2, 3, 4, 5) });
    log.log({ event: 'phase', deployment: 'spam', phase: 'Validating', color: 'green', version: 'v2' });
    log.log({ event: 'rollback', level: 'warn', deployment: 'spam', requestId: 'r-1', reason: 'errorRate' });
    await log.close();
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0])).toEqual({
      time: '2026-01-02T03:04:05.000Z',
      level: 'info',
      event: 'phase',
      deployment: 'spam',
      phase: 'Validating',
      color: 'green',
      version: 'v2',
    });
    expect(JSON.parse(lines[1])).toMatchObject({
      level: 'warn',
      event: 'rollback',
      requestId: 'r-1',
      reason: 'errorRate',
    });
  });

  it('appends to an existing file', async () => {
    const file = join(dir, 'append.log');
    writeFileSync(file, '{"event":"old"}\n');
    const log = createEventLog(file);
    log.log({ event: 'new' });
    await log.close();
    expect(
      readFileSync(file, 'utf8')
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l).event),
    ).toEqual(['old', 'new']);
  });

  it('never throws on a bad path and reports it once on stderr', async () => {
    const stderr = new PassThrough();
    const errors = collect(stderr);
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, 'x');
    const log = createEventLog(join(blocker, 'sub', 'greenlight.log'), { stderr });
    for (let i = 0; i < 5; i++) expect(() => log.log({ event: 'phase', deployment: 'spam' })).not.toThrow();
    await new Promise((r) => setTimeout(r, 50));
    await log.close();
    expect(errors().match(/cannot write the event log/g)).toHaveLength(1);
  });

  it('writes to a stream and survives values JSON cannot encode', () => {
    const out = new PassThrough();
    const text = collect(out);
    const log = createEventLog(out);
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    log.log({
      event: 'gate',
      details: cyclic,
      big: 10n,
      error: Object.assign(new Error('boom'), { code: 'GL_X' }),
    });
    const record = JSON.parse(text().trim());
    expect(record.details).toEqual({ a: 1, self: '[circular]' });
    expect(record.big).toBe('10');
    expect(record.error).toEqual({ name: 'Error', message: 'boom', code: 'GL_X' });
  });
});
