import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OUTPUT, protocolDefaults } from '../spec/server.js';
import { DecodeError } from './protocol.js';
import { type JsonServer, startJsonServer } from './testing/json-server.js';
import { allPassed, byGate, protocolSpec, statuses, validateWith } from './testing/validate.js';
import { tfservingProtocol } from './tfserving.js';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * A TF Serving model server as its REST API documents it (tensorflow.org/tfx/serving/api_rest):
 * model status at GET /v1/models/{name}, predictions in row format. The "model" is a logistic
 * classifier of two features; `round` is what the server does to its float outputs.
 */
function tfServing(name: string, shift: number, round: (x: number) => number = (x) => x) {
  return startJsonServer(({ method, path, body }) => {
    if (method === 'GET' && path === `/v1/models/${name}`)
      return {
        body: {
          model_version_status: [
            { version: '3', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } },
          ],
        },
      };
    if (method !== 'POST' || path !== `/v1/models/${name}:predict`) return undefined;
    const instances = (body as { instances?: number[][] }).instances;
    if (!Array.isArray(instances)) return { status: 400, body: { error: 'JSON Value: {} Is not an array' } };
    const predictions = instances.map(([a, b]) => {
      const p = sigmoid(a - b + shift);
      return [round(1 - p), round(p)];
    });
    return { body: { predictions } };
  });
}

describe('protocol tfserving', () => {
  const server = protocolDefaults('tfserving', 'iris');
  const protocol = tfservingProtocol(server);

  it('sends one instance per sample to :predict, a body as it is', () => {
    expect(protocol.encode([1, 2])).toEqual({
      method: 'POST',
      path: '/v1/models/iris:predict',
      body: { instances: [[1, 2]] },
    });
    expect(protocol.encode({ x: 1 })).toEqual({
      method: 'POST',
      path: '/v1/models/iris:predict',
      body: { instances: [{ x: 1 }] },
    });
    const columnar = { signature_name: 'serving_default', inputs: { x: [[1, 2]] } };
    expect(protocol.encode(columnar).body).toBe(columnar);
    expect(() => protocol.encode(null)).toThrow(/input: expected an instance/);
  });

  it('reads row 0 of predictions (vector, scalar, named outputs) and columnar outputs, by output kind', () => {
    expect(protocol.decode({ predictions: [[0.2, 0.8]] }, 'probabilities')).toEqual({
      probabilities: [0.2, 0.8],
      classes: ['0', '1'],
      label: '1',
      score: 0.8,
    });
    expect(protocol.decode({ predictions: [[0.2, 0.8]] }, 'label')).toMatchObject({ label: '1', score: 0.8 });
    expect(protocol.decode({ predictions: [3.5] }, 'regression')).toEqual({ value: 3.5 });
    expect(protocol.decode({ predictions: [[3.5]] }, 'regression')).toEqual({ value: 3.5 });
    expect(protocol.decode({ predictions: [{ classes: 'cat', scores: 0.9 }] }, 'label')).toEqual({
      label: 'cat',
      score: 0.9,
    });
    expect(protocol.decode({ outputs: [[0.7, 0.3]] }, 'probabilities')).toMatchObject({ label: '0' });
    expect(protocol.decode({ outputs: { value: [1.25] } }, 'regression')).toEqual({ value: 1.25 });
  });

  it('an answer without predictions is a DecodeError naming the path with an excerpt', () => {
    const e = protocol.decode({ preds: [1] }, 'label');
    expect(e).toBeInstanceOf(DecodeError);
    expect((e as DecodeError).message).toBe(
      'response mapping outputs: matches nothing (no outputs); the response was {"preds":[1]}',
    );
    expect((protocol.decode({ predictions: [] }, 'label') as Error).message).toContain('no predictions[0]');
  });

  describe('validation against TF Serving servers', () => {
    let blue: JsonServer;
    let float32: JsonServer;
    let shifted: JsonServer;
    const samples = Array.from({ length: 120 }, (_, i) => ({
      input: [Math.sin(i) * 3, Math.cos(i * 1.7) * 3],
      text: `row ${i}`,
    }));
    const output = { ...DEFAULT_OUTPUT, kind: 'probabilities' as const, probabilityTolerance: 0.05 };
    beforeAll(async () => {
      [blue, float32, shifted] = await Promise.all([
        tfServing('iris', 0),
        tfServing('iris', 0, Math.fround),
        tfServing('iris', 2.5),
      ]);
    });
    afterAll(() => Promise.all([blue.close(), float32.close(), shifted.close()]));

    it('passes a candidate that differs by float32 rounding only; health read the model status', async () => {
      const results = await validateWith(server, blue.url, float32.url, samples, { output });
      const g = byGate(results);
      expect(statuses(results)).toEqual(allPassed());
      expect(g.agreement?.measured).toMatchObject({ agreement: 1 });
      expect(g.schema?.summary).toContain('/v1/models/iris:predict');
      // every request the load generator sent was a :predict with one instance
      const posts = float32.requests.filter((r) => r.method === 'POST');
      expect(posts.length).toBeGreaterThan(120);
      expect(
        posts.every(
          (r) =>
            r.path === '/v1/models/iris:predict' &&
            (r.body as { instances: unknown[] }).instances.length === 1,
        ),
      ).toBe(true);
      expect(float32.requests.some((r) => r.method === 'GET' && r.path === '/v1/models/iris')).toBe(true);
    });

    it('fails a candidate whose probabilities moved, reporting the vectors and their distance', async () => {
      const results = await validateWith(server, blue.url, shifted.url, samples, {
        spec: protocolSpec(['agreement', 'distribution']),
        output,
      });
      const g = byGate(results);
      expect(g.agreement?.status).toBe('failed');
      const examples = g.agreement?.evidence.disagreements as { distance: number; candidate: unknown }[];
      expect(examples[0].distance).toBeGreaterThan(0.05);
      expect(examples[0].candidate).toMatchObject({
        predictions: [[expect.any(Number), expect.any(Number)]],
      });
      expect(g.distribution?.status).toBe('failed');
    });
  });
});
