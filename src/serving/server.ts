import { setTimeout as sleepMs } from 'node:timers/promises';
import { GreenlightError } from '../errors.js';
import { type BatcherStats, createBatcher } from './batcher.js';
import { createRequestHandler } from './handler.js';
import { createHttpServer, type HttpServer } from './http/server.js';
import type { Lifecycle, ServerState } from './lifecycle.js';
import { createServerMetrics } from './metrics.js';
import { loadOnnxModel } from './onnx-model.js';
import type { LoadedModel } from './prediction.js';
import { warmUp } from './warmup.js';
import { loadOnnxModelInWorker } from './worker-model.js';

export interface ModelServerOptions {
  /** Model version served; the `version` label and `x-model-version` header. */
  version: string;
  /** ONNX file to load; ignored when `model` is given. */
  modelPath?: string;
  /** An already loaded model (tests pass slow or failing fakes); the caller releases it. */
  model?: LoadedModel;
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
  const model = opts.model ?? (await loadModel(opts));
  const maxBatchSize = opts.maxBatchSize ?? 64;
  const lifecycle: Lifecycle = { state: 'warming' };
  const bodyLimit = opts.bodyLimit ?? 1024 * 1024;
  const metrics = createServerMetrics(opts.version);
  const batcher = createBatcher({
    run: (texts: string[]) => model.predict(texts),
    maxBatchSize,
    maxQueueDelayMs: opts.maxQueueDelayMs ?? 0,
    onBatch: metrics.batch,
  });
  const handler = createRequestHandler({
    name: opts.name ?? 'model',
    version: opts.version,
    serverVersion: opts.serverVersion ?? 'dev',
    bodyLimit,
    lifecycle,
    metrics,
    batcher,
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
    if (!opts.model) await model.release(); // ours to release; a model passed in is the caller's
    throw err;
  });

  const ready = warmUp(model, opts.warmup ?? 3, maxBatchSize).then(
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
    if (!opts.model) await model.release();
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

function loadModel(opts: ModelServerOptions): Promise<LoadedModel> {
  if (opts.modelPath === undefined)
    throw new GreenlightError('GL_USAGE', 'startModelServer needs modelPath or model');
  const load = opts.inferenceThread === false ? loadOnnxModel : loadOnnxModelInWorker;
  return load(opts.modelPath, { intraOpThreads: opts.intraOpThreads });
}

function listen(server: HttpServer, host: string, port: number): Promise<number> {
  return server.listen(port, host).catch((err: NodeJS.ErrnoException) => {
    throw new GreenlightError('GL_LISTEN', `cannot listen on ${host}:${port}: ${err.code ?? err.message}`, {
      cause: err,
    });
  });
}
