import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { featurize } from '../models/features.js';
import { readModelInfo } from '../models/model-file.js';
import { ensureModels } from '../testing/models.js';
import type { Prediction } from './prediction.js';
import { type ModelServer, startModelServer } from './server.js';
import { type Answer, testClient } from './test-client.js';

let dir: string;
let modelPath: string;
let texts: string[];
let server: ModelServer;
let client: ReturnType<typeof testClient>;

beforeAll(async () => {
  dir = await ensureModels();
  modelPath = join(dir, 'spam-v1.onnx');
  texts = readFileSync(join(dir, 'samples.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .slice(0, 40)
    .map((line) => (JSON.parse(line) as { text: string }).text);
  server = await startModelServer({
    modelPath,
    version: 'v1',
    name: 'spam',
    bodyLimit: 256 * 1024,
    warmup: 2,
  });
  await server.ready;
  client = testClient(server.url);
});

afterAll(async () => {
  await client?.close();
  await server?.close();
});

const expectError = (a: Answer, status: number, message: RegExp) => {
  expect(a.status).toBe(status);
  expect(a.json.error).toMatch(message);
  expect(a.headers['x-model-version']).toBe('v1');
};

describe('model server contract (real ONNX model over HTTP)', () => {
  it('predicts one text: label, score of that label, model version', async () => {
    const a = await client.post('/predict', { text: texts[0] });
    expect(a.status).toBe(200);
    expect(a.headers['x-model-version']).toBe('v1');
    expect(Object.keys(a.json).sort()).toEqual(['label', 'model_version', 'score']);
    expect(['ham', 'spam']).toContain(a.json.label);
    expect(a.json.score).toBeGreaterThanOrEqual(0.5);
    expect(a.json.score).toBeLessThanOrEqual(1);
    expect(a.json.model_version).toBe('v1');
  });

  it('predicts a batch in order, equal to one-by-one predictions', async () => {
    const batch = texts.slice(0, 5);
    const a = await client.post('/predict', { instances: batch.map((text) => ({ text })) });
    expect(a.status).toBe(200);
    expect(a.json.model_version).toBe('v1');
    const singles = await Promise.all(batch.map((text) => client.post('/predict', { text })));
    expect(a.json.predictions).toEqual(singles.map((s) => ({ label: s.json.label, score: s.json.score })));
  });

  it('serves the same score as the ONNX model run in-process on featurize(text) (train/serve parity)', async () => {
    const info = await readModelInfo(modelPath);
    const session = await InferenceSession.create(modelPath);
    try {
      const served = await client.post('/predict', { instances: texts.map((text) => ({ text })) });
      for (let i = 0; i < texts.length; i++) {
        const x = new Tensor('float32', featurize(texts[i], info.features), [1, info.features.dim]);
        const probs = (await session.run({ [info.inputName]: x }))[info.outputName].data as Float32Array;
        const best = probs[1] > probs[0] ? 1 : 0;
        expect(served.json.predictions[i]).toEqual({ label: info.labels[best], score: probs[best] });
      }
    } finally {
      await session.release();
    }
  });

  it('answers health, readiness and OIP server endpoints', async () => {
    expect((await client.get('/health')).status).toBe(200);
    expect((await client.get('/ready')).json).toEqual({ ready: true, state: 'ready', model_version: 'v1' });
    expect((await client.get('/v2/health/live')).json).toEqual({ live: true });
    expect((await client.get('/v2/health/ready')).json).toEqual({ ready: true });
    const meta = await client.get('/v2');
    expect(meta.json).toMatchObject({ name: 'greenlight', extensions: [] });
    expect(typeof meta.json.version).toBe('string');
    expect((await client.get('/v2/models/spam/ready')).json).toEqual({ name: 'spam', ready: true });
  });

  it('describes the model in OIP metadata, under its name and version', async () => {
    for (const path of ['/v2/models/spam', '/v2/models/spam/versions/v1']) {
      const a = await client.get(path);
      expect(a.status).toBe(200);
      expect(a.json).toMatchObject({
        name: 'spam',
        versions: ['v1'],
        inputs: [{ name: 'text', datatype: 'BYTES', shape: [-1] }],
        outputs: [
          { name: 'label', datatype: 'BYTES', shape: [-1] },
          { name: 'score', datatype: 'FP32', shape: [-1] },
        ],
      });
    }
    expectError(await client.get('/v2/models/other'), 404, /model other is not served here.*spam version v1/);
    expectError(await client.get('/v2/models/spam/versions/v9'), 404, /spam version v9 is not served/);
  });

  it('infers over OIP v2 with the same answers as /predict', async () => {
    const batch = texts.slice(0, 3);
    const a = await client.post('/v2/models/spam/infer', {
      id: 'req-1',
      inputs: [{ name: 'text', datatype: 'BYTES', shape: [3], data: batch }],
    });
    expect(a.status).toBe(200);
    const p = await client.post('/predict', { instances: batch.map((text) => ({ text })) });
    expect(a.json).toEqual({
      model_name: 'spam',
      model_version: 'v1',
      id: 'req-1',
      outputs: [
        {
          name: 'label',
          datatype: 'BYTES',
          shape: [3],
          data: p.json.predictions.map((x: Prediction) => x.label),
        },
        {
          name: 'score',
          datatype: 'FP32',
          shape: [3],
          data: p.json.predictions.map((x: Prediction) => x.score),
        },
      ],
    });
    const versioned = await client.post('/v2/models/spam/versions/v1/infer', {
      inputs: [{ name: 'text', datatype: 'BYTES', shape: [1], data: [batch[0]] }],
      outputs: [{ name: 'label' }],
    });
    expect(versioned.json.outputs).toEqual([
      { name: 'label', datatype: 'BYTES', shape: [1], data: [p.json.predictions[0].label] },
    ]);
  });

  it('exports the seed metrics with the version label, score histogram and process metrics', async () => {
    const text = (await client.get('/metrics')).text;
    for (const line of [
      /^model_server_requests_total\{version="v1",endpoint="predict"\} [1-9]/m,
      /^model_server_requests_total\{version="v1",endpoint="infer"\} [1-9]/m,
      /^model_server_latency_seconds_bucket\{le="0.0005",version="v1"\} \d+/m,
      /^model_server_latency_seconds_bucket\{le="2",version="v1"\} [1-9]/m,
      /^model_server_errors_total\{version="v1",error_type="bad_request"\} \d+/m,
      /^model_server_active_requests\{version="v1"\} 0/m,
      /^model_server_prediction_score_bucket\{le="0.5",version="v1",label="(ham|spam)"\} 0$/m,
      /^model_server_prediction_score_count\{version="v1",label="(ham|spam)"\} [1-9]/m,
      /^model_server_batch_size_count\{version="v1"\} [1-9]/m,
      /^process_resident_memory_bytes [1-9]/m,
      /^process_cpu_seconds_total \d/m,
    ]) {
      expect(text).toMatch(line);
    }
  });
});

describe('bad input never crashes the server', () => {
  const cases: Array<[string, number, string, unknown, RegExp]> = [
    ['invalid JSON', 400, '/predict', '{"text": ', /not valid JSON/],
    ['empty body', 400, '/predict', '', /empty/],
    ['missing text', 400, '/predict', { txt: 'a' }, /missing "text"/],
    ['non-string text', 400, '/predict', { text: 42 }, /"text" must be a string, found number 42/],
    ['bad instance', 400, '/predict', { instances: [{ text: 'a' }, { text: [] }] }, /instances\[1\]\.text/],
    [
      'OIP wrong datatype',
      400,
      '/v2/models/spam/infer',
      { inputs: [{ name: 'text', datatype: 'FP32', shape: [1], data: [1] }] },
      /datatype BYTES, found "FP32"/,
    ],
    [
      'OIP wrong shape',
      400,
      '/v2/models/spam/infer',
      { inputs: [{ name: 'text', datatype: 'BYTES', shape: [2], data: ['a'] }] },
      /shape \[2\] but 1 elements/,
    ],
    [
      'OIP wrong input',
      400,
      '/v2/models/spam/infer',
      { inputs: [{ name: 'features', datatype: 'BYTES', shape: [1], data: ['a'] }] },
      /unknown input "features"/,
    ],
    [
      'body over the limit',
      413,
      '/predict',
      { text: 'x'.repeat(300 * 1024) },
      /larger than the limit of 262144 bytes/,
    ],
  ];

  it.each(cases)(
    '%s → %i naming the problem, and the server still answers',
    async (_, status, path, body, message) => {
      expectError(await client.post(path, body), status, message);
      const after = await client.post('/predict', { text: 'still there?' });
      expect(after.status).toBe(200);
    },
  );

  it('rejects a chunked body over the limit with 413 and keeps serving', async () => {
    // A stream body without a length goes out chunked: the limit is enforced while reading.
    const chunks = [
      Buffer.from('{"text": "'),
      ...Array(40).fill(Buffer.alloc(10 * 1024, 'y')),
      Buffer.from('"}'),
    ];
    const a = await client.call('POST', '/predict', Readable.from(chunks));
    expectError(a, 413, /limit/);
    expect((await client.post('/predict', { text: 'ok' })).status).toBe(200);
  });

  it('answers unknown paths with 404 and wrong methods with 405', async () => {
    expectError(await client.get('/nope'), 404, /no such endpoint: GET \/nope/);
    const wrong = await client.get('/predict');
    expectError(wrong, 405, /accepts POST, not GET/);
    expect(wrong.headers.allow).toBe('POST');
    expectError(await client.post('/health', {}), 405, /accepts GET/);
    expectError(await client.call('DELETE', '/v2/models/spam/infer'), 405, /accepts POST/);
  });

  it('counts bad requests as errors', async () => {
    const count = async () =>
      Number(
        /model_server_errors_total\{version="v1",error_type="bad_request"\} (\d+)/.exec(
          (await client.get('/metrics')).text,
        )?.[1],
      );
    const before = await count();
    await client.post('/predict', { text: null });
    expect(await count()).toBe(before + 1);
  });

  it('survives a client that disconnects mid-body', async () => {
    const url = new URL(server.url);
    await new Promise<void>((resolve) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write('POST /predict HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"text": "ha');
        socket.destroy();
        resolve();
      });
    });
    expect((await client.post('/predict', { text: 'ok' })).status).toBe(200);
  });
});

describe('model runners', () => {
  it('answers the same in the inference thread (default) and on the HTTP thread', async () => {
    const inline = await startModelServer({ modelPath, version: 'v1', warmup: 1, inferenceThread: false });
    const c = testClient(inline.url);
    try {
      await inline.ready;
      const body = { instances: texts.map((text) => ({ text })) };
      const [threaded, direct] = await Promise.all([client.post('/predict', body), c.post('/predict', body)]);
      expect(direct.status).toBe(200);
      expect(direct.json.predictions).toEqual(threaded.json.predictions);
    } finally {
      await c.close();
      await inline.close();
    }
  });
});

describe('dynamic batching', () => {
  it('runs concurrent requests in fewer ONNX Runtime calls than requests', async () => {
    const batching = await startModelServer({
      modelPath,
      version: 'v1',
      warmup: 0,
      maxBatchSize: 16,
      maxQueueDelayMs: 600_000,
    });
    const c = testClient(batching.url, 16);
    try {
      const before = batching.batchStats();
      // The queue delay is huge, so the batch runs only because it is full: exactly one call.
      const answers = await Promise.all(texts.slice(0, 16).map((text) => c.post('/predict', { text })));
      expect(answers.map((a) => a.status)).toEqual(Array(16).fill(200));
      const after = batching.batchStats();
      expect(after.batches - before.batches).toBe(1);
      expect(after.items - before.items).toBe(16);
      const singles = await Promise.all(texts.slice(0, 16).map((text) => client.post('/predict', { text })));
      expect(answers.map((a) => a.json.score)).toEqual(singles.map((s) => s.json.score));
      const metrics = (await c.get('/metrics')).text;
      expect(metrics).toMatch(/^model_server_batch_size_bucket\{le="16",version="v1"\} 1$/m);
      expect(metrics).toMatch(/^model_server_batch_size_bucket\{le="8",version="v1"\} 0$/m);
    } finally {
      await c.close();
      await batching.close();
    }
  });
});
