import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { protocolDefaults } from '../spec/server.js';
import { kserveV1Protocol } from './kserve-v1.js';
import { type JsonServer, startJsonServer } from './testing/json-server.js';
import { byGate, protocolSpec, statuses, validateWith } from './testing/validate.js';

/**
 * A KServe V1 model server as its data-plane page documents it: `GET /` alive,
 * `GET /v1/models/{name}` → `{"name", "ready"}`, `POST /v1/models/{name}:predict {"instances"}` →
 * `{"predictions"}`; here an sklearn-style classifier answering class ids, as KServe's sklearn
 * server does. `boundary` moves its decision boundary.
 */
function kserve(name: string, boundary: number, ready = true) {
  return startJsonServer(({ method, path, body }) => {
    if (method === 'GET' && path === '/') return { body: { status: 'alive' } };
    if (method === 'GET' && path === `/v1/models/${name}`) return { body: { name, ready } };
    if (method !== 'POST' || path !== `/v1/models/${name}:predict`) return undefined;
    const instances = (body as { instances: number[][] }).instances;
    return { body: { predictions: instances.map(([x]) => (x > boundary ? 2 : x > 0 ? 1 : 0)) } };
  });
}

describe('protocol kserve-v1', () => {
  const server = protocolDefaults('kserve-v1', 'sklearn-iris');
  let blue: JsonServer;
  let same: JsonServer;
  let moved: JsonServer;
  let unready: JsonServer;
  const samples = Array.from({ length: 90 }, (_, i) => ({
    input: [((i * 37) % 90) / 30 - 1, 0.5],
    text: `row ${i}`,
  }));
  beforeAll(async () => {
    [blue, same, moved, unready] = await Promise.all([
      kserve('sklearn-iris', 1),
      kserve('sklearn-iris', 1),
      kserve('sklearn-iris', 0.2),
      kserve('sklearn-iris', 1, false),
    ]);
  });
  afterAll(() => Promise.all([blue.close(), same.close(), moved.close(), unready.close()]));

  it('speaks :predict with instances and reads class ids as labels', () => {
    const p = kserveV1Protocol(server);
    expect(p.encode([5.1, 3.5])).toEqual({
      method: 'POST',
      path: '/v1/models/sklearn-iris:predict',
      body: { instances: [[5.1, 3.5]] },
    });
    expect(p.decode({ predictions: [2] }, 'label')).toEqual({ label: '2' });
  });

  it('passes the same model, checking readiness at /v1/models/{name} ("ready": true)', async () => {
    const results = await validateWith(server, blue.url, same.url, samples);
    expect(statuses(results)).toEqual([
      'health:passed',
      'agreement:passed',
      'schema:passed',
      // class ids only: chi-square on the labels decides; the score statistics have nothing to read
      'distribution:passed',
      'latency:passed',
    ]);
    const g = byGate(results);
    expect(g.distribution?.measured).toMatchObject({ psi: null, chi2PValue: 1 });
    expect(same.requests.some((r) => r.path === '/' && r.method === 'GET')).toBe(true);
  });

  it('fails a moved decision boundary on agreement and on the label counts', async () => {
    const g = byGate(
      await validateWith(server, blue.url, moved.url, samples, {
        spec: protocolSpec(['agreement', 'distribution']),
      }),
    );
    expect(g.agreement?.status).toBe('failed');
    expect(g.distribution?.status).toBe('failed');
    expect(g.distribution?.summary).toContain('chi2');
  });

  it('a candidate whose model never reports ready fails health, naming the rule', async () => {
    const g = byGate(
      await validateWith(server, blue.url, unready.url, samples, {
        spec: protocolSpec(['health', 'agreement']),
      }),
    );
    expect(g.health?.status).toBe('failed');
    expect(g.health?.summary).toContain('GET /v1/models/sklearn-iris: ready is false (expected true)');
    expect(g.agreement?.status).toBe('error');
  });
});
