import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObservationSpec } from '../spec/types.js';
import { selectSignalSource } from './signal-source-selector.js';
import type { ColorSignals, SignalSource } from './types.js';

const IN_PROCESS: ColorSignals = {
  p95LatencySeconds: 0.001,
  errorRatio: 0,
  requests: 7,
  errors: 0,
  readyReplicas: 2,
  scoreBins: null,
};

let server: Server;
let url: string;
const queries: string[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      const q = new URLSearchParams(body).get('query') ?? '';
      queries.push(q);
      const value = q.includes('requests_total') ? '42' : 'NaN';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          status: 'success',
          data: { resultType: 'vector', result: [{ metric: {}, value: [0, value] }] },
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('selectSignalSource', () => {
  const inProcess: SignalSource = { read: async () => IN_PROCESS };
  const specs: Record<string, Pick<ObservationSpec, 'source' | 'prometheusUrl'>> = {};
  const source = selectSignalSource({ inProcess, observationOf: (d) => specs[d] });

  it('uses the in-process source by default and for source: metrics', async () => {
    specs.a = { source: 'metrics' };
    expect(await source.read('a', 'green', 30)).toBe(IN_PROCESS);
    expect(await source.read('unknown', 'green', 30)).toBe(IN_PROCESS);
    expect(queries).toHaveLength(0);
  });

  it('reads from Prometheus when the spec says so', async () => {
    specs.b = { source: 'prometheus', prometheusUrl: url };
    const s = await source.read('b', 'green', 30);
    expect(s.requests).toBe(42);
    expect(s.p95LatencySeconds).toBeNull();
    expect(queries.some((q) => q.includes('deployment="b"'))).toBe(true);
  });

  it('a prometheus source without a URL is unavailable signals, not a breach', async () => {
    specs.c = { source: 'prometheus' };
    await expect(source.read('c', 'green', 30)).rejects.toMatchObject({ code: 'GL_SIGNALS_UNAVAILABLE' });
  });
});
