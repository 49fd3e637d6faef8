import { existsSync } from 'node:fs';
import { parentPort, Worker } from 'node:worker_threads';
import { GreenlightError } from '../errors.js';

/** Messages of a worker started with `startWorker`: it reports `loaded` (or `failed`) once, then answers calls. */
export type FromRpcWorker<L, R> =
  | { type: 'loaded'; info: L }
  | { type: 'failed'; code: string; message: string }
  | { type: 'result'; id: number; value: R }
  | { type: 'result'; id: number; error: string }
  | { type: 'released' };

export type ToRpcWorker<C> = { type: 'call'; id: number; value: C } | { type: 'release' };

/** A model living in a worker thread: what it reported when loaded, and calls into it. */
export interface RpcWorker<L, C, R> {
  info: L;
  call(value: C): Promise<R>;
  /** Settles when the worker dies without having been asked to stop. */
  fatal: Promise<Error>;
  /** Ask the worker to release its model, then end it. */
  release(): Promise<void>;
}

/**
 * Start `file` (a module under src/serving/) as a worker with `init` as its workerData and wait for
 * its first message. A `failed` first message becomes a GreenlightError with the worker's code;
 * calls in flight when the worker dies reject with the reason.
 */
export async function startWorker<L, C, R>(file: string, init: unknown): Promise<RpcWorker<L, C, R>> {
  const worker = new Worker(workerFile(file), { workerData: init });
  const first = await firstMessage<FromRpcWorker<L, R>>(worker);
  if (first.type !== 'loaded') {
    await worker.terminate();
    const failed = first as Extract<FromRpcWorker<L, R>, { type: 'failed' }>;
    throw new GreenlightError(failed.code, failed.message);
  }
  const pending = new Map<number, { resolve: (r: R) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let dead: Error | undefined;
  let released: (() => void) | undefined;
  let onFatal!: (err: Error) => void;
  const fatal = new Promise<Error>((resolve) => {
    onFatal = resolve;
  });
  worker.on('message', (msg: FromRpcWorker<L, R>) => {
    if (msg.type === 'released') return released?.();
    if (msg.type !== 'result') return;
    const waiter = pending.get(msg.id);
    pending.delete(msg.id);
    if ('error' in msg) waiter?.reject(new Error(msg.error));
    else waiter?.resolve(msg.value);
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
  const post = (msg: ToRpcWorker<C>) => worker.postMessage(msg);
  return {
    info: first.info,
    fatal,
    call(value) {
      if (dead) return Promise.reject(dead);
      return new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        post({ type: 'call', id, value });
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

function firstMessage<M>(worker: Worker): Promise<M> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) =>
      reject(new GreenlightError('GL_MODEL_INVALID', `inference thread failed: ${err.message}`));
    worker.once('error', onError);
    worker.once('exit', (code) => onError(new Error(`exited with code ${code}`)));
    worker.once('message', (msg: M) => {
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
export function workerFile(file: string): URL {
  const here = new URL(`./${file}`, import.meta.url);
  if (existsSync(here)) return here;
  return new URL(here.href.replace('/src/serving/', '/dist/src/serving/'));
}

/** What a worker entry serves: its loaded info, one call at a time, and a release. */
export interface WorkerService<L, C, R> {
  info: L;
  call(value: C): Promise<{ value: R; transfer?: ArrayBuffer[] }>;
  release(): Promise<void>;
}

/**
 * The worker side of `startWorker`: load (a failure is reported as `failed` with its code), report
 * `loaded`, then answer each call; a failing call is reported to its caller, not fatal.
 */
export async function serveInWorker<L, C, R>(load: () => Promise<WorkerService<L, C, R>>): Promise<void> {
  const port = parentPort!;
  const send = (msg: FromRpcWorker<L, R>, transfer: ArrayBuffer[] = []) => port.postMessage(msg, transfer);
  let service: WorkerService<L, C, R>;
  try {
    service = await load();
  } catch (err) {
    send({
      type: 'failed',
      code: (err as { code?: string }).code ?? 'GL_MODEL_INVALID',
      message: (err as Error).message,
    });
    return;
  }
  port.on('message', async (msg: ToRpcWorker<C>) => {
    if (msg.type === 'release') {
      await service.release();
      send({ type: 'released' });
      return;
    }
    try {
      const { value, transfer } = await service.call(msg.value);
      send({ type: 'result', id: msg.id, value }, transfer);
    } catch (err) {
      send({ type: 'result', id: msg.id, error: (err as Error).message });
    }
  });
  send({ type: 'loaded', info: service.info });
}
