/**
 * The admin API's own thread. It owns the admin port so a switch never queues behind a saturated
 * data-plane event loop: `POST /switch` and `POST /rollback` to a color the data plane has marked
 * servable are committed here, straight into the shared switch state, and answered at once, in
 * the same event-loop turn that read the request. Every other call (and a switch that needs a
 * health probe, is malformed or unauthorized) is handed to the main thread, which answers exactly
 * as the in-thread server would.
 */
import net from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { AdminConnection } from './admin-connection.js';
import type { AdminAnswer, AdminRequest } from './admin-routes.js';
import { bearerChecker } from './auth.js';
import { fastSwitch } from './fast-switch.js';
import { SwitchState } from './switch-state.js';
import { setThreadNice } from './thread-priority.js';

export interface AdminThreadData {
  buffer: SharedArrayBuffer;
  token: string;
  port: number;
  host: string;
  /** Nice value for this thread, best effort (see AdminServerOptions.nice). */
  nice?: number;
}

function main(data: AdminThreadData): void {
  // before serving: a raised priority lets a switch preempt the saturated data plane sooner
  const priorityError = data.nice === undefined ? undefined : setThreadNice(data.nice);
  const port = parentPort!;
  const state = new SwitchState(data.buffer);
  const authorized = bearerChecker(data.token);
  const waiting = new Map<number, (a: AdminAnswer) => void>();
  let nextId = 1;
  const handle = (request: AdminRequest): AdminAnswer | Promise<AdminAnswer> => {
    const fast = fastSwitch(state, authorized, request);
    if (fast) return fast;
    const id = nextId++;
    port.postMessage({ type: 'request', id, request });
    return new Promise((resolve) => waiting.set(id, resolve));
  };
  const connections = new Set<AdminConnection>();
  // allowHalfOpen: a client that half-closes after its request still gets the answer
  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (sock) => {
    connections.add(new AdminConnection(sock, handle, (c) => connections.delete(c)));
  });
  port.on('message', (m: { type: string; id?: number; answer?: AdminAnswer }) => {
    if (m.type === 'answer') {
      const resolve = waiting.get(m.id!);
      waiting.delete(m.id!);
      resolve?.(m.answer!);
    } else if (m.type === 'close') {
      server.close(() => port.postMessage({ type: 'closed' }));
      for (const c of connections) c.destroy();
    }
  });
  // the fields of a failed listen go along, so the CLI can name the port (cli/error-line.ts)
  server.on('error', (err: NodeJS.ErrnoException & { address?: string; port?: number }) =>
    port.postMessage({
      type: 'error',
      message: err.message,
      failure: { code: err.code, syscall: err.syscall, address: err.address, port: err.port },
    }),
  );
  server.listen(data.port, data.host, () => {
    port.postMessage({
      type: 'listening',
      port: (server.address() as net.AddressInfo).port,
      priorityError,
    });
  });
}

if (parentPort && workerData) main(workerData as AdminThreadData);
