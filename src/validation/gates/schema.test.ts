import { afterAll, describe, expect, it } from 'vitest';
import { type FakeModelServer, startFakeModelServer } from '../fake-server.js';
import { createHttpClient } from '../http.js';
import { diffShapes, schemaGate, shapeOf } from './schema.js';
import { answer, pair } from './testing-pairs.js';

describe('schema gate', () => {
  const client = createHttpClient();
  const servers: FakeModelServer[] = [];
  afterAll(async () => {
    await Promise.all([...servers.map((s) => s.close()), client.close()]);
  });
  const start = async (o: Parameters<typeof startFakeModelServer>[0] = {}) => {
    const s = await startFakeModelServer(o);
    servers.push(s);
    return s;
  };

  it('shapes nest and diff names missing, added and changed fields', () => {
    const a = shapeOf({ label: 'x', score: 1, extra: { k: [1, 2] } });
    expect([...a.keys()].sort()).toEqual(['', 'extra', 'extra.k', 'extra.k[]', 'label', 'score']);
    const d = diffShapes(
      shapeOf({ label: 'x', score: 1, v: 'a' }),
      shapeOf({ label: 'x', score: '1', w: 2 }),
    );
    expect(d).toEqual({
      missing: ['v'],
      added: ['w'],
      changed: [{ path: 'score', baseline: 'number', candidate: 'string' }],
    });
  });

  it('passes identical response structures (values may differ)', async () => {
    const b = await start();
    const c = await start({ version: 'v2' });
    const pairs = [
      pair(1, answer('spam', 0.9), answer('ham', 0.6, 'v2')),
      pair(2, answer('ham', 0.7), answer('ham', 0.8, 'v2')),
    ];
    const r = await schemaGate({ client, baseline: b.url, candidate: c.url, pairs });
    expect(r.status).toBe('passed');
    expect(r.evidence.oip).toEqual({ served: false });
  });

  it('fails with the diff as evidence when the candidate renames a field', async () => {
    const b = await start();
    const pairs = [pair(1, answer('spam', 0.9), { label: 'spam', probability: 0.9, model_version: 'v2' })];
    const r = await schemaGate({ client, baseline: b.url, candidate: b.url, pairs });
    expect(r.status).toBe('failed');
    expect(r.evidence.diff).toEqual({ missing: ['score'], added: ['probability'], changed: [] });
    expect(r.summary).toContain('missing score; added probability');
  });

  it('compares OIP model metadata when both serve it', async () => {
    const outputs = [
      { name: 'label', datatype: 'BYTES', shape: [-1] },
      { name: 'score', datatype: 'FP32', shape: [-1] },
    ];
    const b = await start({ oipOutputs: outputs });
    const same = await start({ oipOutputs: outputs, version: 'v2' });
    const changed = await start({
      oipOutputs: [outputs[0], { name: 'score', datatype: 'FP64', shape: [-1] }],
    });
    const plain = await start();
    const pairs = [pair(1, answer('spam', 0.9), answer('spam', 0.8))];
    expect((await schemaGate({ client, baseline: b.url, candidate: same.url, pairs })).status).toBe('passed');
    const r = await schemaGate({ client, baseline: b.url, candidate: changed.url, pairs });
    expect(r.status).toBe('failed');
    expect(r.summary).toContain('OIP metadata of "model" differs');
    const gone = await schemaGate({ client, baseline: b.url, candidate: plain.url, pairs });
    expect(gone.status).toBe('failed');
    expect(gone.summary).toContain('baseline serves OIP v2 (/v2) but the candidate does not');
  });

  it('a candidate with no successful answer fails; a baseline with none is an error', async () => {
    const b = await start();
    const bad = { status: 500, error: 'boom' };
    expect(
      (await schemaGate({ client, baseline: b.url, candidate: b.url, pairs: [pair(1, answer('a', 1), bad)] }))
        .status,
    ).toBe('failed');
    expect(
      (await schemaGate({ client, baseline: b.url, candidate: b.url, pairs: [pair(1, bad, answer('a', 1))] }))
        .status,
    ).toBe('error');
  });
});
