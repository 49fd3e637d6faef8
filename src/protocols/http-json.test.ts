import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OUTPUT, protocolDefaults } from '../spec/server.js';
import type { ServerSpec } from '../spec/types.js';
import { parseSamples } from '../validation/pairs/samples-file.js';
import { runValidation } from '../validation/run.js';
import { fillTemplate, httpJsonProtocol } from './http-json.js';
import { DecodeError } from './protocol.js';
import { type JsonServer, startJsonServer } from './testing/json-server.js';
import { allPassed, byGate, protocolSpec, statuses, validateWith } from './testing/validate.js';

/** A home-made JSON API: POST /api/v3/score {"data": {"features": [...]}, "explain": false} → {"result": {"y"}}. */
function priceApi(scale: number, round: (x: number) => number = (x) => x) {
  return startJsonServer(({ method, path, body }) => {
    if (method === 'GET' && path === '/healthz') return { body: { status: 'ok' } };
    if (method !== 'POST' || path !== '/api/v3/score') return undefined;
    const b = body as { data?: { features?: number[] }; explain?: unknown };
    if (!Array.isArray(b.data?.features) || b.explain !== false)
      return { status: 422, body: { detail: 'bad request' } };
    const [rooms, area] = b.data.features;
    return { body: { result: { y: round((rooms * 12.5 + area * 3.1) * scale), unit: 'k$' }, took_ms: 1 } };
  });
}

const http = (response: ServerSpec['response']): ServerSpec => ({
  ...protocolDefaults('http-json'),
  health: { path: '/healthz', status: 200, jsonField: 'status', equals: 'ok' },
  readiness: { path: '/healthz', status: 200 },
  request: {
    method: 'POST',
    path: '/api/v3/score',
    template: { data: { features: '$input' }, explain: false },
  },
  response,
});

describe('protocol http-json', () => {
  it('puts the input where the template says "$input", everywhere it says it', () => {
    expect(fillTemplate({ a: '$input', b: ['$input', 1], c: 'x$input' }, [1, 2])).toEqual({
      a: [1, 2],
      b: [[1, 2], 1],
      c: 'x$input',
    });
    const p = httpJsonProtocol(http({ value: 'result.y' }));
    expect(p.encode([3, 70])).toEqual({
      method: 'POST',
      path: '/api/v3/score',
      body: { data: { features: [3, 70] }, explain: false },
    });
    const bare = httpJsonProtocol({
      ...protocolDefaults('http-json'),
      request: { method: 'PUT', path: '/p' },
    });
    expect(bare.encode({ q: 1 })).toEqual({ method: 'PUT', path: '/p', body: { q: 1 } });
  });

  it('reads the mapping; a path that matches nothing names itself and shows the answer', () => {
    const p = httpJsonProtocol(
      http({ probabilities: '$.out.probs', classes: ['ham', 'spam'], label: 'out.top' }),
    );
    expect(p.decode({ out: { probs: [[0.1, 0.9]], top: 'spam' } }, 'probabilities')).toEqual({
      probabilities: [0.1, 0.9],
      classes: ['ham', 'spam'],
      label: 'spam',
      score: 0.9,
    });
    const miss = p.decode({ out: { p: [0.1, 0.9] } }, 'probabilities') as DecodeError;
    expect(miss).toBeInstanceOf(DecodeError);
    expect(miss.message).toBe(
      'response mapping label "out.top": matches nothing (no out.top); the response was {"out":{"p":[0.1,0.9]}}',
    );
    const wrong = p.decode({ out: { probs: 'high', top: 'spam' } }, 'probabilities') as DecodeError;
    expect(wrong.message).toContain(
      'probabilities "$.out.probs": expected a non-empty list of numbers, found "high"',
    );
    expect((p.decode({ out: { probs: [1, 0, 0], top: 'x' } }, 'probabilities') as Error).message).toContain(
      'classes: 2 names for 3 probabilities',
    );
    const none = httpJsonProtocol(protocolDefaults('http-json')).decode({ y: 1 }, 'regression') as Error;
    expect(none.message).toContain('needs a response mapping');
  });

  describe('validation of a regression model behind its own JSON API', () => {
    let blue: JsonServer;
    let float32: JsonServer;
    let drifted: JsonServer;
    const samples = Array.from({ length: 100 }, (_, i) => ({
      input: [1 + (i % 5), 40 + ((i * 17) % 120)],
      text: `house ${i}`,
    }));
    const regression = { ...DEFAULT_OUTPUT, kind: 'regression' as const, absTolerance: 0, relTolerance: 0 };
    beforeAll(async () => {
      [blue, float32, drifted] = await Promise.all([priceApi(1), priceApi(1, Math.fround), priceApi(1.3)]);
    });
    afterAll(() => Promise.all([blue.close(), float32.close(), drifted.close()]));

    it('passes values that differ by float32 rounding even at zero tolerance', async () => {
      const server = http({ value: 'result.y' });
      const results = await validateWith(server, blue.url, float32.url, samples, { output: regression });
      expect(statuses(results)).toEqual(allPassed());
      const g = byGate(results);
      expect(g.distribution?.evidence).toMatchObject({ kind: 'regression', score: 'value' });
      expect(g.distribution?.measured).toMatchObject({
        ksPValue: 1,
        wasserstein: expect.closeTo(0, 5),
        chi2: null,
      });
    });

    it('fails values 30% higher: agreement by tolerance, distribution on the values (KS, W1, PSI on blue quantile bins)', async () => {
      const server = http({ value: 'result.y' });
      const g = byGate(
        await validateWith(server, blue.url, drifted.url, samples, {
          spec: protocolSpec(['agreement', 'distribution']),
          output: { ...regression, relTolerance: 0.1 },
        }),
      );
      expect(g.agreement?.status).toBe('failed');
      expect(g.distribution?.status).toBe('failed');
      expect(g.distribution?.measured.psi).toBeGreaterThan(0.25);
      expect(g.distribution?.measured.ksPValue).toBeLessThan(0.05);
    });

    it('a mapping that matches nothing makes the gates report error naming the path, with an excerpt', async () => {
      const server = http({ value: 'result.price' });
      const g = byGate(
        await validateWith(server, blue.url, blue.url, samples, {
          spec: protocolSpec(['agreement', 'schema', 'distribution']),
          output: regression,
        }),
      );
      for (const gate of ['agreement', 'schema', 'distribution'] as const) {
        expect(g[gate]?.status).toBe('error');
        // the first pair of the (stratified, seeded) replay order, whichever sample that is
        expect(g[gate]?.summary).toMatch(
          /^baseline answer to sample-\d+ holds no prediction: response mapping value "result\.price": matches nothing \(no result\.price\); the response was \{"result":\{"y":/,
        );
      }
      expect(g.agreement?.evidence).toMatchObject({
        role: 'baseline',
        pair: expect.stringMatching(/^sample-\d+$/),
      });
    });
  });

  describe('baseline and candidate speaking different protocols', () => {
    let api: JsonServer;
    let tf: JsonServer;
    beforeAll(async () => {
      api = await priceApi(1);
      // the same model moved to TF Serving: {"instances": [[rooms, area]]} → {"predictions": [y]}
      tf = await startJsonServer(({ method, path, body }) => {
        if (method === 'GET' && path === '/v1/models/price')
          return { body: { model_version_status: [{ version: '1', state: 'AVAILABLE' }] } };
        if (method !== 'POST' || path !== '/v1/models/price:predict') return undefined;
        const [[rooms, area]] = (body as { instances: number[][] }).instances;
        return { body: { predictions: [Math.fround(rooms * 12.5 + area * 3.1)] } };
      });
    });
    afterAll(() => Promise.all([api.close(), tf.close()]));

    it('decodes each side with its own server section and compares by the shared output kind', async () => {
      const samples = Array.from({ length: 120 }, (_, i) => ({
        input: [1 + (i % 4), 50 + i],
        text: `h${i}`,
      }));
      const results = await runValidation({
        spec: protocolSpec(),
        baseline: api.url,
        candidate: tf.url,
        samples,
        baselineServer: http({ value: 'result.y' }),
        candidateServer: protocolDefaults('tfserving', 'price'),
        output: { ...DEFAULT_OUTPUT, kind: 'regression' },
      });
      expect(statuses(results)).toEqual(allPassed());
      const g = byGate(results);
      // the answers cannot share a shape; their predictions do
      expect(g.schema?.evidence).toMatchObject({ compares: 'predictions (http-json → tfserving)' });
      expect(
        tf.requests.filter((r) => r.method === 'POST').every((r) => r.path === '/v1/models/price:predict'),
      ).toBe(true);
      expect(api.requests.filter((r) => r.method === 'POST').every((r) => r.path === '/api/v3/score')).toBe(
        true,
      );
    });

    it('a samples row one side cannot encode is named by line before any traffic', async () => {
      const before = api.requests.length;
      const samples = parseSamples(
        '{"input":[1,50]}\n{"input":[2,60]}\n\n{"input":null}\n{"text":"hello"}\n'.replace(
          '{"input":null}',
          '{"input":7}',
        ),
      );
      const results = await runValidation({
        spec: protocolSpec(['health', 'agreement']),
        baseline: api.url,
        candidate: tf.url,
        samples,
        baselineServer: http({ value: 'result.y' }),
        candidateServer: protocolDefaults('oip-v2', 'price'),
      });
      expect(results.map((r) => r.status)).toEqual(['error', 'error']);
      expect(results[0].summary).toBe(
        'samples cannot be sent: line 1: input (candidate, protocol oip-v2): expected an OIP "inputs" list, a request body {"inputs": [...]} or {"text": "…"}, found a list of 2; ' +
          'line 2: input (candidate, protocol oip-v2): expected an OIP "inputs" list, a request body {"inputs": [...]} or {"text": "…"}, found a list of 2; ' +
          'line 4: input (candidate, protocol oip-v2): expected an OIP "inputs" list, a request body {"inputs": [...]} or {"text": "…"}, found number 7',
      );
      expect(api.requests.length).toBe(before);
    });
  });
});
