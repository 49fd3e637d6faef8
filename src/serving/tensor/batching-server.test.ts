import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelServer } from '../server.js';
import { testClient } from '../test-client.js';
import { loadTensorModel, type TensorModel } from './tensor-model.js';
import { denseModel, identityModel } from './test-models.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gl-batching-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The real model, with its first run held until `open()`: requests arriving meanwhile queue up. */
async function gated(bytes: Uint8Array, file: string) {
  const path = join(dir, file);
  await writeFile(path, bytes);
  const real = await loadTensorModel(path);
  let open!: () => void;
  const gate = new Promise<void>((r) => {
    open = r;
  });
  let first = true;
  const model: TensorModel = {
    ...real,
    async run(feeds) {
      if (first) {
        first = false;
        await gate;
      }
      return real.run(feeds);
    },
  };
  return { model, open, release: () => real.release() };
}

const row = (i: number) => Array.from({ length: 8 }, (_, j) => Math.sin(i * 3 + j) * 2);
const body = (rows: number[][]) => ({
  inputs: [{ name: 'x', datatype: 'FP32', shape: [rows.length, 8], data: rows.flat() }],
});

async function serve(model: TensorModel) {
  const server = await startModelServer({ tensorModel: model, version: 'v1', warmup: 0, log: () => {} });
  await server.ready;
  return { server, client: testClient(server.url) };
}

describe('dynamic batching of a generic model', () => {
  it('merges concurrent requests into one run, and each answer equals the answer it gets alone', async () => {
    const g = await gated(denseModel(8, 3, 16), 'dense.onnx');
    const { server, client } = await serve(g.model);
    try {
      const blocker = client.post('/v2/models/model/infer', body([row(0)]));
      while (server.batchStats().batches < 1) await new Promise((r) => setImmediate(r));
      const sizes = [1, 3, 1, 2, 1, 1, 4, 1];
      const merged = sizes.map((n, k) =>
        client.post('/v2/models/model/infer', body(sizes.slice(0, n).map((_, j) => row(k * 10 + j)))),
      );
      while (server.batchStats().queued < sizes.length) await new Promise((r) => setTimeout(r, 1));
      g.open();
      const answers = await Promise.all([blocker, ...merged]);
      expect(answers.map((a) => a.status)).toEqual(Array(sizes.length + 1).fill(200));
      expect(server.batchStats()).toMatchObject({ batches: 2, items: sizes.length + 1 });
      for (let k = 0; k < sizes.length; k++) {
        const alone = await client.post(
          '/v2/models/model/infer',
          body(sizes.slice(0, sizes[k]).map((_, j) => row(k * 10 + j))),
        );
        expect(answers[k + 1].json.outputs).toEqual(alone.json.outputs);
        expect(alone.json.outputs[0].shape).toEqual([sizes[k], 3]);
      }
      const metrics = (await client.get('/metrics')).text;
      // rows per session.run: the blocker's 1, then the 14 rows merged
      expect(metrics).toMatch(/model_server_batch_size_sum\{version="v1"\} (1[5-9]|[2-9]\d)/);
    } finally {
      await client.close();
      await server.close();
      await g.release();
    }
  });

  it('runs a model with a fixed batch of 1 one request at a time', async () => {
    const g = await gated(identityModel(['FP32'], [1, 2]), 'fixed.onnx');
    const { server, client } = await serve(g.model);
    try {
      const tensor = (v: number) => ({
        inputs: [{ name: 'x_FP32', datatype: 'FP32', shape: [1, 2], data: [v, v] }],
      });
      const pending = [1, 2, 3, 4].map((v) => client.post('/v2/models/model/infer', tensor(v)));
      while (server.batchStats().queued < 3) await new Promise((r) => setTimeout(r, 1));
      g.open();
      const answers = await Promise.all(pending);
      expect(answers.map((a) => a.json.outputs[0].data)).toEqual([
        [1, 1],
        [2, 2],
        [3, 3],
        [4, 4],
      ]);
      expect(server.batchStats()).toMatchObject({ batches: 4, items: 4 });
    } finally {
      await client.close();
      await server.close();
      await g.release();
    }
  });
});
