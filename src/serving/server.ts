import { setTimeout as sleepMs } from 'node:timers/promises';
import { GreenlightError } from '../errors.js';
import { readModelProto } from '../models/model-file.js';
import type { BatcherStats } from './batcher.js';
import { type Engine, isTensorModel, tensorEngine, textEngine } from './engine.js';
import { createRequestHandler } from './handler.js';
import { createHttpServer, type HttpServer } from './http/server.js';
import type { Lifecycle, ServerState } from './lifecycle.js';
import { createServerMetrics } from './metrics.js';
import { loadOnnxModel } from './onnx-model.js';
import type { LoadedModel } from './prediction.js';
import { isGreenlightTextModel } from './tensor/onnx-graph.js';
import { loadTensorModel, type TensorModel } from './tensor/tensor-model.js';
import { loadTensorModelInWorker } from './tensor/worker-tensor-model.js';
import { loadOnnxModelInWorker } from './worker-model.js';

export interface ModelServerOptions {
  /** Model version served; the `version` label and `x-model-version` header. */
  version: string;
  /** ONNX file to load; ignored when `model` is given. */
  modelPath?: string;
  /** An already loaded text model (tests pass slow or failing fakes); the caller releases it. */
  model?: LoadedModel;
  /** An already loaded generic model (served over OIP v2 only); the caller releases it. */
  tensorModel?: TensorModel;
  /** Generic models: an OIP v2 inference request body to warm up with (must succeed). */
  warmupRequest?: unknown;
  /** Notes about the model (outputs left out, batching off, warm-up skipped). Default: stderr. */
  log?: (line: string) => void;
  /** OIP model name, `/v2/models/{name}`. Default `model`: the same for blue and green, so OIP clients survive a switch. */
  name?: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Warm-up inferences before ready (Triton model_warmup). Default 3. */
  warmup?: number;
  /** Dynamic batching: most texts per ONNX Runtime call. Default 64. */
  maxBatchSize?: number;
  /** Dynamic batching: longest wait for a batch to fill when idle. Default 0 (same event-loop turn). */
  maxQueueDelayMs?: number;
  /** Largest request body in bytes; larger → 413. Default 1 MiB. */
  bodyLimit?: number;
  /** After close(): keep accepting (not ready, `Connection: close`) this long so load balancers notice. Default 0. */
  drainDelayMs?: number;
  /** After close(): cut connections still open after this long. Default 30 s. */
  drainTimeoutMs?: number;
  /** Reported by OIP `GET /v2`. */
  serverVersion?: string;
  /** ONNX Runtime intra-op threads (default 1). */
  intraOpThreads?: number;
  /** Run featurization and ONNX Runtime in a worker thread, beside the HTTP thread. Default true. */
  inferenceThread?: boolean;
  /** A request head must arrive within this (slowloris). Default 60 s. */
  headersTimeoutMs?: number;
  /** A whole request must arrive within this. Default 300 s. */
  requestTimeoutMs?: number;
  /** Idle keep-alive connections are closed after this. Default 5 s. */
  keepAliveTimeoutMs?: number;
  /** Injected wait for the drain delay (tests control time). */
  sleep?: (ms: number) => Promise<void>;
}

export interface ModelServer {
  url: string;
  port: number;
  /** Resolves when warm-up is done and /ready answers 200; rejects when warm-up fails. */
  ready: Promise<void>;
  /** Settles with the reason when the server can no longer serve (warm-up failed, the runtime died). */
  failed: Promise<Error>;
  /** Drain: stop being ready, finish in-flight requests, close connections, release the model. */
  close(): Promise<void>;
  state(): ServerState;
  /** Dynamic batching counters: `batches` is the number of ONNX Runtime calls for requests. */
  batchStats(): BatcherStats;
}

/**
 * Start a model server: load the model (a missing or invalid file throws GreenlightError
 * `GL_MODEL_NOT_FOUND` / `GL_MODEL_INVALID` before anything listens), listen, then warm up in the
 * background; `/ready` answers 503 until warm-up is done and again once `close()` starts draining.
 */
export async function startModelServer(opts: ModelServerOptions): Promise<ModelServer> {
  const name = opts.name ?? 'model';
  const log = opts.log ?? ((line: string) => console.error(line));
  const model = opts.model ?? opts.tensorModel ?? (await loadModel(opts));
  const ours = opts.model === undefined && opts.tensorModel === undefined; // a model passed in is the caller's
  const maxBatchSize = opts.maxBatchSize ?? 64;
  const lifecycle: Lifecycle = { state: 'warming' };
  const bodyLimit = opts.bodyLimit ?? 1024 * 1024;
  const metrics = createServerMetrics(opts.version);
  const batching = { maxBatchSize, maxQueueDelayMs: opts.maxQueueDelayMs ?? 0, log };
  let engine: Engine;
  try {
    engine = isTensorModel(model)
      ? tensorEngine(model, name, batching, metrics, opts.warmupRequest)
      : textEngine(model, batching, metrics, opts.warmupRequest);
  } catch (err) {
    if (ours) await model.release();
    throw err;
  }
  const { batcher } = engine;
  const handler = createRequestHandler({
    name,
    version: opts.version,
    serverVersion: opts.serverVersion ?? 'dev',
    bodyLimit,
    lifecycle,
    metrics,
    ...engine.context,
  });
  const server = createHttpServer({
    handler,
    bodyLimit,
    fixedFields: `x-model-version: ${opts.version}\r\n`,
    headersTimeoutMs: opts.headersTimeoutMs,
    requestTimeoutMs: opts.requestTimeoutMs,
    keepAliveTimeoutMs: opts.keepAliveTimeoutMs,
  });
  const host = opts.host ?? '127.0.0.1';
  const port = await listen(server, host, opts.port ?? 0).catch(async (err) => {
    if (ours) await model.release();
    throw err;
  });

  const ready = engine.warmUp(opts.warmup ?? 3).then(
    () => {
      if (lifecycle.state === 'warming') lifecycle.state = 'ready';
    },
    (err) => {
      if (lifecycle.state === 'warming') lifecycle.state = 'failed';
      throw err;
    },
  );
  ready.catch(() => {}); // the caller may never await it; the state says 'failed' anyway
  const failed = new Promise<Error>((resolve) => {
    ready.catch(resolve);
    model.fatal?.then((err) => {
      if (lifecycle.state !== 'draining') lifecycle.state = 'failed';
      resolve(err);
    });
  });

  let closing: Promise<void> | undefined;
  const drain = async (): Promise<void> => {
    lifecycle.state = 'draining';
    server.drain();
    batcher.flush();
    if (opts.drainDelayMs) await (opts.sleep ?? sleepMs)(opts.drainDelayMs);
    await server.close(opts.drainTimeoutMs ?? 30_000);
    // Never release the session under a running batch (its client may have left) or warm-up.
    batcher.flush();
    await batcher.idle();
    await ready.catch(() => {});
    if (ours) await model.release();
  };
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    ready,
    failed,
    close: () => {
      closing ??= drain();
      return closing;
    },
    state: () => lifecycle.state,
    batchStats: () => batcher.stats(),
  };
}

/**
 * A model file with greenlight's featurizer metadata is one of greenlight's text models (`/predict`);
 * any other ONNX file is served as tensors over OIP v2.
 */
async function loadModel(opts: ModelServerOptions): Promise<LoadedModel | TensorModel> {
  if (opts.modelPath === undefined)
    throw new GreenlightError('GL_USAGE', 'startModelServer needs modelPath or model');
  const { model } = await readModelProto(opts.modelPath);
  const thread = opts.inferenceThread !== false;
  const load = { intraOpThreads: opts.intraOpThreads };
  if (!isGreenlightTextModel(model))
    return (thread ? loadTensorModelInWorker : loadTensorModel)(opts.modelPath, load);
  return (thread ? loadOnnxModelInWorker : loadOnnxModel)(opts.modelPath, load);
}

function listen(server: HttpServer, host: string, port: number): Promise<number> {
  return server.listen(port, host).catch((err: NodeJS.ErrnoException) => {
    throw new GreenlightError('GL_LISTEN', `cannot listen on ${host}:${port}: ${err.code ?? err.message}`, {
      cause: err,
    });
  });
}
