import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RequestLog, type RequestLogLine } from './request-log.js';
import { FileSink, type LogSink, StalledSink } from './request-log-sink.js';
import { createRouter, type RequestLogConfig, type Router } from './router.js';
import { send, startUpstream, type Upstream } from './test-helpers.js';

const lines = (file: string): RequestLogLine[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as RequestLogLine)
    : [];

describe('request log through a real router', () => {
  let dir: string;
  let blue: Upstream;
  let green: Upstream;
  let router: Router | undefined;
  const agent = new http.Agent({ keepAlive: true });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gl-reqlog-'));
    blue = await startUpstream('blue', 'v1');
    green = await startUpstream('green', 'v2');
  });
  afterEach(async () => {
    await router?.close(0);
    router = undefined;
    await blue.close();
    await green.close();
    chmodSync(dir, 0o755);
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async (requestLog: RequestLogConfig) => {
    router = await createRouter({
      blue: [blue.url],
      green: [green.url],
      healthCheck: { intervalMs: 0 },
      requestLog: { flushMs: 10, ...requestLog },
    });
    return router;
  };

  it('writes one line per request with color, version, generation, status, latency and shadow flag', async () => {
    const file = join(dir, 'requests.jsonl');
    const r = await start({ path: file });
    const before = Date.now();
    for (let i = 0; i < 5; i++)
      expect((await send(r.url, { path: '/predict', body: '{}', agent })).status).toBe(200);
    await r.switchTo('green');
    await r.setShadow({ enabled: true, sampleRate: 1 });
    expect((await send(r.url, { path: '/predict', body: '{}', agent })).status).toBe(200);
    await r.close(1000);
    router = undefined;
    const got = lines(file);
    expect(got).toHaveLength(6);
    const first = got[0];
    expect(first).toMatchObject({
      color: 'blue',
      version: 'v1',
      generation: 0,
      status: 200,
      shadowed: false,
    });
    expect(Date.parse(first.start)).toBeGreaterThanOrEqual(before - 5);
    expect(Date.parse(first.end)).toBeGreaterThanOrEqual(Date.parse(first.start));
    expect(first.latencyMs).toBeGreaterThan(0);
    expect(first.latencyMs).toBeLessThan(5000);
    expect(got[5]).toMatchObject({
      color: 'green',
      version: 'v2',
      generation: 1,
      status: 200,
      shadowed: true,
    });
    expect(new Set(got.map((l) => l.id)).size).toBe(6);
  });

  it('logs failures too: a 503 with no version when the color has no backend', async () => {
    const file = join(dir, 'requests.jsonl');
    const r = await createRouter({
      blue: [blue.url],
      green: [],
      healthCheck: { intervalMs: 0 },
      requestLog: { path: file, flushMs: 10 },
    });
    router = r;
    await r.setWeights({ blue: 0, green: 100 });
    expect((await send(r.url, { agent })).status).toBe(503);
    await r.close(1000);
    router = undefined;
    expect(lines(file)).toMatchObject([{ color: 'green', status: 503, version: null }]);
  });

  it('samples: rate 0.25 logs about a quarter of the requests', async () => {
    const file = join(dir, 'requests.jsonl');
    const r = await start({ path: file, sampleRate: 0.25 });
    for (let i = 0; i < 200; i++) await send(r.url, { agent });
    await r.close(1000);
    router = undefined;
    const n = lines(file).length;
    expect(n).toBeGreaterThan(20);
    expect(n).toBeLessThan(90);
  });

  it('rotates by size and keeps `keep` files', async () => {
    const file = join(dir, 'requests.jsonl');
    const r = await start({ path: file, maxBytes: 1000, keep: 2 });
    for (let i = 0; i < 40; i++) {
      await send(r.url, { agent });
      await r.state(); // a turn for the flush timer now and then
      if (i % 5 === 0) await new Promise((res) => setTimeout(res, 15));
    }
    await r.close(1000);
    router = undefined;
    expect(existsSync(`${file}.1`)).toBe(true);
    expect(existsSync(`${file}.2`)).toBe(true);
    expect(existsSync(`${file}.3`)).toBe(false);
    for (const f of [file, `${file}.1`, `${file}.2`]) {
      expect(readFileSync(f).length).toBeLessThanOrEqual(1000);
      expect(lines(f).length).toBeGreaterThan(0);
    }
  });

  it('a path it cannot write (read-only directory) drops and counts; every request still succeeds', async () => {
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    const r = await start({ path: join(ro, 'sub', 'requests.jsonl') });
    for (let i = 0; i < 30; i++) expect((await send(r.url, { agent })).status).toBe(200);
    await new Promise((res) => setTimeout(res, 50));
    const state = await r.state();
    // root ignores the mode bits: then the lines are written, and that is fine too
    if (process.getuid?.() === 0) return;
    expect(state.requestLog).toMatchObject({ written: 0, dropped: 30 });
    const text = await r.metrics.registry.metrics();
    expect(text).toMatch(/greenlight_router_request_log_dropped_total 30/);
  });

  it('a stuck writer fills the buffer: the rest is dropped and counted, requests are unaffected', async () => {
    const sink = new StalledSink();
    const r = await start({ path: 'stalled', sink, capacity: 8 });
    await send(r.url, { agent });
    await new Promise((res) => setTimeout(res, 30)); // the first record is now in a write that never ends
    for (let i = 0; i < 20; i++) expect((await send(r.url, { agent })).status).toBe(200);
    const state = await r.state();
    expect(state.requestLog?.dropped).toBe(20 - 8);
    sink.release();
  });
});

describe('RequestLog', () => {
  it('counts a failed write (full disk) as dropped lines', async () => {
    const full: LogSink = {
      write: async () => {
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      },
      close: async () => {},
    };
    const log = new RequestLog('x', full, { flushMs: 60_000 });
    for (let i = 0; i < 7; i++) log.record(1, 2, 'blue', 0, 200, 'v1', false);
    await log.flush();
    expect(log.state()).toMatchObject({ written: 0, dropped: 7 });
    await log.close();
  });

  it('FileSink rotates a file an earlier router left at its size limit before writing to it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gl-sink-'));
    const file = join(dir, 'f.jsonl');
    writeFileSync(file, 'x'.repeat(90));
    const sink = new FileSink({ path: file, maxBytes: 100, keep: 1 });
    await sink.write('0123456789abc\n');
    await sink.close();
    expect(readFileSync(file, 'utf8')).toBe('0123456789abc\n');
    expect(readFileSync(`${file}.1`, 'utf8')).toBe('x'.repeat(90));
    rmSync(dir, { recursive: true, force: true });
  });

  it('FileSink reopens after a failure (the directory becomes writable later)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gl-sink-'));
    // a file where the directory should be: open fails until it is replaced
    writeFileSync(join(dir, 'later'), '');
    const sink = new FileSink({ path: join(dir, 'later', 'f.jsonl'), maxBytes: 1 << 20, keep: 1 });
    await expect(sink.write('a\n')).rejects.toThrow();
    rmSync(join(dir, 'later'));
    await sink.write('b\n');
    await sink.close();
    expect(readFileSync(join(dir, 'later', 'f.jsonl'), 'utf8')).toBe('b\n');
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('RequestLog lines', () => {
  it('formats times as toISOString would, across second boundaries', async () => {
    const texts: string[] = [];
    const sink: LogSink = { write: async (t) => void texts.push(t), close: async () => {} };
    const log = new RequestLog('x', sink, { flushMs: 60_000 });
    const base = Date.UTC(2026, 11, 4, 21, 59, 59, 998) - performance.timeOrigin;
    for (const d of [0, 1, 2, 5, 1002]) log.record(base + d, base + d + 0.5, 'green', 3, 200, 'v"2', true);
    await log.flush();
    const got = texts
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as RequestLogLine);
    expect(got.map((l) => l.start)).toEqual(
      [0, 1, 2, 5, 1002].map((d) => new Date(Math.floor(performance.timeOrigin + base + d)).toISOString()),
    );
    expect(got[0]).toMatchObject({
      color: 'green',
      generation: 3,
      version: 'v"2',
      shadowed: true,
      latencyMs: 0.5,
    });
    await log.close();
  });
});
