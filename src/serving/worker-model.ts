import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { GreenlightError } from '../errors.js';
import type { OnnxModelOptions } from './onnx-model.js';
import type { LoadedModel, Prediction } from './prediction.js';
import type { FromWorker, ToWorker, WorkerInit } from './worker-protocol.js';

/**
 * Load an ONNX model in its own thread (the "model instance" of Triton, beside the HTTP thread).
 * Featurization and ONNX Runtime's synchronous `session.run` then overlap with HTTP parsing and
 * JSON work on the main thread instead of taking turns with them. Same errors as `loadOnnxModel`.
 */
export async function loadOnnxModelInWorker(path: string, opts: OnnxModelOptions = {}): Promise<LoadedModel> {
  const init: WorkerInit = { path, intraOpThreads: opts.intraOpThreads };
  const worker = new Worker(workerFile(), { workerData: init });
  const loaded = await firstMessage(worker);
  if (loaded.type !== 'loaded') {
    await worker.terminate();
    const failed = loaded as Extract<FromWorker, { type: 'failed' }>;
    throw new GreenlightError(failed.code, failed.message);
  }
  const { labels } = loaded;
  const pending = new Map<number, { resolve: (p: Prediction[]) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let dead: Error | undefined;
  let released: (() => void) | undefined;
  let onFatal!: (err: Error) => void;
  const fatal = new Promise<Error>((resolve) => {
    onFatal = resolve;
  });
  worker.on('message', (msg: FromWorker) => {
    if (msg.type === 'released') return released?.();
    if (msg.type !== 'result') return;
    const waiter = pending.get(msg.id);
    pending.delete(msg.id);
    if ('error' in msg) return waiter?.reject(new Error(msg.error));
    const predictions = new Array<Prediction>(msg.labels.length);
    for (let i = 0; i < predictions.length; i++)
      predictions[i] = { label: labels[msg.labels[i]], score: msg.scores[i] };
    waiter?.resolve(predictions);
  });
  const fail = (err: Error) => {
    if (dead) return;
    dead = err;
    for (const w of pending.values()) w.reject(err);
    pending.clear();
    if (released) released();
    else onFatal(err); // not asked to stop: the runtime died under us
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`inference thread exited (code ${code})`)));
  const post = (msg: ToWorker) => worker.postMessage(msg);
  return {
    labels: loaded.labels,
    inputName: loaded.inputName,
    featureDim: loaded.featureDim,
    embeddedVersion: loaded.embeddedVersion,
    fatal,
    predict(texts) {
      if (dead) return Promise.reject(dead);
      return new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        post({ type: 'predict', id, texts });
      });
    },
    async release() {
      if (dead) return;
      await new Promise<void>((resolve) => {
        released = resolve;
        post({ type: 'release' });
      });
      await worker.terminate();
    },
  };
}

function firstMessage(worker: Worker): Promise<FromWorker> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) =>
      reject(new GreenlightError('GL_MODEL_INVALID', `inference thread failed: ${err.message}`));
    worker.once('error', onError);
    worker.once('exit', (code) => onError(new Error(`exited with code ${code}`)));
    worker.once('message', (msg: FromWorker) => {
      worker.off('error', onError);
      worker.removeAllListeners('exit');
      resolve(msg);
    });
  });
}

/**
 * The compiled worker entry. Under vitest the sources run as TypeScript from src/, which a worker
 * thread cannot load; the global setup has compiled the same file into dist/.
 */
function workerFile(): URL {
  const here = new URL('./inference-worker.js', import.meta.url);
  if (existsSync(here)) return here;
  return new URL(here.href.replace('/src/serving/', '/dist/src/serving/'));
}
