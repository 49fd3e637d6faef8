/**
 * The admin API's own thread. It owns the admin port so a switch never queues behind a saturated
 * data-plane event loop: `POST /switch` and `POST /rollback` to a color the data plane has marked
 * servable are committed here, straight into the shared switch state, and answered at once. Every
 * other call (and a switch that needs a health probe or is malformed) is handed to the main
 * thread, which answers exactly as the in-thread server would.
 */
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import type { Color } from '../spec/types.js';
import { readBody, TOO_LARGE, write } from './admin-http.js';
import type { AdminAnswer, AdminRequest } from './admin-routes.js';
import { bearerMatches } from './auth.js';
import { SwitchState } from './switch-state.js';

export interface AdminThreadData {
  buffer: SharedArrayBuffer;
  token: string;
  port: number;
  host: string;
}

/** The fast path: a well-formed, authorized switch or rollback to a servable color. */
function fastSwitch(state: SwitchState, token: string, req: AdminRequest): AdminAnswer | undefined {
  if (req.method !== 'POST' || (req.url !== '/switch' && req.url !== '/rollback')) return undefined;
  if (!bearerMatches(req.authorization, token)) return undefined;
  let to: Color;
  const isRollback = req.url === '/rollback';
  if (isRollback) {
    to = state.previous;
  } else {
    let body: unknown;
    try {
      body = JSON.parse(req.body);
    } catch {
      return undefined;
    }
    const t = typeof body === 'object' && body !== null ? (body as { to?: unknown }).to : undefined;
    if (t !== 'blue' && t !== 'green') return undefined;
    to = t;
  }
  if (!state.servable(to)) return undefined;
  const result = state.commit(to, Date.now(), isRollback);
  return { status: 200, contentType: 'application/json', body: JSON.stringify(result) };
}

function main(data: AdminThreadData): void {
  const port = parentPort!;
  const state = new SwitchState(data.buffer);
  const waiting = new Map<number, http.ServerResponse>();
  let nextId = 1;
  const server = http.createServer(async (req, res) => {
    const body = await readBody(req);
    if (body === null) return write(res, TOO_LARGE);
    const request: AdminRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      authorization: req.headers.authorization,
      body,
    };
    const fast = fastSwitch(state, data.token, request);
    if (fast) return write(res, fast);
    const id = nextId++;
    waiting.set(id, res);
    port.postMessage({ type: 'request', id, request });
  });
  server.keepAliveTimeout = 60_000;
  port.on('message', (m: { type: string; id?: number; answer?: AdminAnswer }) => {
    if (m.type === 'answer') {
      const res = waiting.get(m.id!);
      waiting.delete(m.id!);
      if (res) write(res, m.answer!);
    } else if (m.type === 'close') {
      server.close(() => port.postMessage({ type: 'closed' }));
      server.closeAllConnections();
    }
  });
  server.on('error', (err) => port.postMessage({ type: 'error', message: err.message }));
  server.listen(data.port, data.host, () => {
    port.postMessage({ type: 'listening', port: (server.address() as { port: number }).port });
  });
}

if (parentPort && workerData) main(workerData as AdminThreadData);
