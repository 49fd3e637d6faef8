/**
 * `npm run bench -- models [--dir DIR] [--requests N]`
 *
 * Per-request cost of each example model as a model server pays it at batch 1: featurize one
 * held-out e-mail with the shared featurizer, then one ONNX Runtime call; measured in-process and
 * through a minimal node:http JSON endpoint (keep-alive, one request at a time), so the ratio to v1
 * a latency gate would see is visible. DIR defaults to the test cache (`ensureModels()`).
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { featurize } from '../src/models/features.js';
import { readModelInfo } from '../src/models/model-file.js';
import { ensureModels } from '../src/testing/models.js';

const NAMES = ['spam-v1', 'spam-v2', 'spam-v3-regressed', 'spam-v3-slow', 'spam-v3-skewed'];

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function loadModel(dir: string, name: string) {
  const info = await readModelInfo(join(dir, `${name}.onnx`));
  // One intra-op thread, as the model server runs it: a replica must not take every core.
  const session = await ort.InferenceSession.create(info.bytes, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  });
  const predict = async (text: string) => {
    const x = new ort.Tensor('float32', featurize(text, info.features), [1, info.features.dim]);
    const out = await session.run({ [info.inputName]: x });
    return (out[info.outputName].data as Float32Array)[1];
  };
  return { session, predict };
}

async function timeIt(texts: string[], fn: (text: string) => Promise<unknown>): Promise<number[]> {
  for (const t of texts.slice(0, 20)) await fn(t); // warm-up
  const ms: number[] = [];
  for (const t of texts) {
    const start = performance.now();
    await fn(t);
    ms.push(performance.now() - start);
  }
  return ms.sort((a, b) => a - b);
}

async function overHttp(predict: (text: string) => Promise<number>, texts: string[]): Promise<number[]> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', async () => {
      const score = await predict((JSON.parse(body) as { text: string }).text);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ label: score > 0.5 ? 'spam' : 'ham', score }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/predict`;
  try {
    return await timeIt(texts, async (text) => {
      const r = await fetch(url, { method: 'POST', body: JSON.stringify({ text }) });
      await r.json();
    });
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

export async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { dir: { type: 'string' }, requests: { type: 'string' } } });
  const dir = values.dir ?? (await ensureModels());
  const n = Number(values.requests ?? 300);
  const samples = (await readFile(join(dir, 'samples.jsonl'), 'utf8')).trim().split('\n');
  const texts = Array.from(
    { length: n },
    (_, i) => (JSON.parse(samples[i % samples.length]) as { text: string }).text,
  );
  const rows: Array<{ name: string; inP50: number; inP99: number; httpP50: number; httpP99: number }> = [];
  for (const name of NAMES) {
    const { session, predict } = await loadModel(dir, name);
    const inProcess = await timeIt(texts, predict);
    const http = await overHttp(predict, texts);
    await session.release();
    rows.push({
      name,
      inP50: percentile(inProcess, 0.5),
      inP99: percentile(inProcess, 0.99),
      httpP50: percentile(http, 0.5),
      httpP99: percentile(http, 0.99),
    });
  }
  const v1 = rows[0];
  console.log(`per-request latency at batch 1, ${n} requests each (ms; ratio = P50 / v1's P50)`);
  console.log('model               in-process P50  P99    ratio   over HTTP P50  P99    ratio');
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(20)}${r.inP50.toFixed(3).padStart(9)} ${r.inP99.toFixed(3).padStart(7)} ${(r.inP50 / v1.inP50).toFixed(1).padStart(6)}×` +
        `${r.httpP50.toFixed(3).padStart(14)} ${r.httpP99.toFixed(3).padStart(7)} ${(r.httpP50 / v1.httpP50).toFixed(1).padStart(6)}×`,
    );
  }
  return 0;
}
