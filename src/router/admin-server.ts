import net from 'node:net';
import { Worker } from 'node:worker_threads';
import { AdminConnection } from './admin-connection.js';
import { type AdminAnswer, type AdminRequest, answer } from './admin-routes.js';
import type { AdminThreadData } from './admin-thread.js';
import { RouterError } from './errors.js';
import type { Router } from './router.js';

export interface AdminServer {
  readonly port: number;
  readonly url: string;
  /** Why `nice` could not be applied (undefined when applied or not asked for). */
  readonly priorityError?: string;
  close(): Promise<void>;
}

export interface AdminServerOptions {
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  token: string;
  /**
   * Serve from a thread of its own (default): switches are committed there without waiting for
   * the data plane's event loop. `false` serves from the calling thread.
   */
  thread?: boolean;
  /**
   * Nice value (-20..19) for the admin thread, best effort, like nginx's `worker_priority`: with a
   * lower value than the data plane's, the scheduler runs a switch sooner when every core is busy.
   * Below 0 needs CAP_SYS_NICE (or RLIMIT_NICE); when not permitted the thread keeps its priority
   * and `priorityError` says why. Default: left alone. Only with `thread` (the default).
   */
  nice?: number;
}

/** The compiled admin-thread module (under vitest this file runs from src/, the worker from dist/). */
function threadModule(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts')
    ? new URL('../../dist/src/router/admin-thread.js', here)
    : new URL('./admin-thread.js', here);
}

/** Serve `router`'s control API (see docs/router.md) on its own port. */
export async function startAdminServer(router: Router, opts: AdminServerOptions): Promise<AdminServer> {
  if (!opts.token) throw new RouterError('GL_ROUTER_BAD_REQUEST', 'the admin API needs a token');
  return opts.thread === false ? startInThread(router, opts) : startThread(router, opts);
}

async function startThread(router: Router, opts: AdminServerOptions): Promise<AdminServer> {
  const host = opts.host ?? '127.0.0.1';
  const data: AdminThreadData = {
    buffer: router.switchState.buffer,
    token: opts.token,
    port: opts.port ?? 0,
    host,
    nice: opts.nice,
  };
  const worker = new Worker(threadModule(), { workerData: data });
  worker.on('message', (m: { type: string; id?: number; request?: AdminRequest }) => {
    if (m.type !== 'request') return;
    void answer(router, opts.token, m.request!).then((a: AdminAnswer) =>
      worker.postMessage({ type: 'answer', id: m.id, answer: a }),
    );
  });
  const { port, priorityError } = await new Promise<{ port: number; priorityError?: string }>(
    (resolve, reject) => {
      const onMessage = (m: {
        type: string;
        port?: number;
        message?: string;
        priorityError?: string;
        failure?: object;
      }) => {
        if (m.type === 'listening') resolve({ port: m.port!, priorityError: m.priorityError });
        if (m.type === 'error') {
          // a thread that could not listen has nothing left to do, and would keep the process alive
          void worker.terminate();
          reject(Object.assign(new Error(`admin API: ${m.message}`), m.failure));
        }
        if (m.type === 'listening' || m.type === 'error') worker.off('message', onMessage);
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    },
  );
  return {
    port,
    url: `http://${host}:${port}`,
    priorityError,
    close: async () => {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 2000);
        worker.on('message', (m: { type: string }) => {
          if (m.type === 'closed') {
            clearTimeout(timer);
            resolve();
          }
        });
        worker.postMessage({ type: 'close' });
      });
      await worker.terminate();
    },
  };
}

async function startInThread(router: Router, opts: AdminServerOptions): Promise<AdminServer> {
  const host = opts.host ?? '127.0.0.1';
  const handle = (req: AdminRequest) => answer(router, opts.token, req);
  const connections = new Set<AdminConnection>();
  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (sock) => {
    connections.add(new AdminConnection(sock, handle, (c) => connections.delete(c)));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const c of connections) c.destroy();
      }),
  };
}
