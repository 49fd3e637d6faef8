/**
 * Load client for `npm run bench -- router` part 2 and 3, run in a worker thread so the switcher on
 * the main thread is never delayed by it. Closed loop (each connection sends its next request as
 * soon as the previous response is complete) or paced (a fixed total rate). For every response it
 * records when the request was written and which generation/color answered, on CLOCK_MONOTONIC
 * (`monoMs`, one clock for every thread), so the bench can match responses against the moments
 * the switch calls returned.
 */
import net from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';

export interface LoadConfig {
  port: number;
  connections: number;
  durationMs: number;
  /** Total requests per second across connections; 0 = closed loop (saturation). */
  rate: number;
  path: string;
  body?: string;
}

export interface LoadResult {
  /** Per response: monotonic ms (monoMs) when its request was written. */
  sentAt: Float64Array;
  latencyMs: Float64Array;
  generation: Int32Array;
  /** 0 blue, 1 green, -1 none. */
  color: Int8Array;
  status: Int16Array;
  count: number;
  failed: number;
}

/** CLOCK_MONOTONIC in ms, as `monoMs` in router-switcher.ts (not imported: that module runs on import in a worker). */
const now = (): number => Number(process.hrtime.bigint() / 1000n) / 1000;

/** Store one response; false when the result arrays are full. */
function record(out: LoadResult, head: string, sent: number): boolean {
  const k = out.count++;
  if (k >= out.sentAt.length) return false;
  out.sentAt[k] = sent;
  out.latencyMs[k] = now() - sent;
  out.status[k] = Number(head.slice(9, 12));
  const gen = /\r\nx-greenlight-generation: *(\d+)/.exec(head);
  out.generation[k] = gen ? Number(gen[1]) : -1;
  const color = /\r\nx-greenlight-color: *(\w+)/.exec(head);
  out.color[k] = color ? (color[1] === 'blue' ? 0 : 1) : -1;
  if (out.status[k] !== 200) out.failed++;
  return true;
}

function run(cfg: LoadConfig): Promise<LoadResult> {
  const cap = 4_000_000;
  const out: LoadResult = {
    sentAt: new Float64Array(cap),
    latencyMs: new Float64Array(cap),
    generation: new Int32Array(cap),
    color: new Int8Array(cap),
    status: new Int16Array(cap),
    count: 0,
    failed: 0,
  };
  const request = cfg.body
    ? `POST ${cfg.path} HTTP/1.1\r\nhost: bench\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(cfg.body)}\r\n\r\n${cfg.body}`
    : `GET ${cfg.path} HTTP/1.1\r\nhost: bench\r\n\r\n`;
  const end = now() + cfg.durationMs;
  const interval = cfg.rate > 0 ? (1000 * cfg.connections) / cfg.rate : 0;
  let open = cfg.connections;
  return new Promise((resolve) => {
    const finishOne = () => {
      if (--open === 0) resolve(out);
    };
    for (let i = 0; i < cfg.connections; i++) {
      connection(cfg, out, request, end, now() + (interval * i) / cfg.connections, interval, finishOne);
    }
  });
}

/** One keep-alive connection sending `request` until `end`, one at a time, every `interval` ms (0 = at once). */
function connection(
  cfg: LoadConfig,
  out: LoadResult,
  request: string,
  end: number,
  firstAt: number,
  interval: number,
  onClose: () => void,
): void {
  const sock = net.connect(cfg.port, '127.0.0.1');
  sock.setNoDelay(true);
  let buf: Buffer | null = null;
  let sent = 0;
  let nextAt = firstAt;
  const send = () => {
    const t = now();
    if (t >= end) {
      sock.end();
      return;
    }
    if (interval > 0 && t < nextAt) {
      setTimeout(send, nextAt - t);
      return;
    }
    nextAt += interval;
    sent = now();
    sock.write(request);
  };
  sock.on('connect', send);
  sock.on('data', (d: Buffer) => {
    buf = buf ? Buffer.concat([buf, d]) : d;
    const he = buf.indexOf('\r\n\r\n');
    if (he < 0) return;
    const head = buf.toString('latin1', 0, he).toLowerCase();
    const cl = /\r\ncontent-length: *(\d+)/.exec(head);
    const len = cl ? Number(cl[1]) : 0;
    if (buf.length < he + 4 + len) return;
    buf = buf.length > he + 4 + len ? buf.subarray(he + 4 + len) : null;
    if (record(out, head, sent)) send();
    else sock.destroy();
  });
  sock.on('error', () => {
    out.failed++;
  });
  sock.on('close', onClose);
}

if (parentPort && workerData) {
  const cfg = workerData as LoadConfig;
  const r = await run(cfg);
  const n = r.count;
  parentPort.postMessage({
    count: n,
    failed: r.failed,
    sentAt: r.sentAt.slice(0, n),
    latencyMs: r.latencyMs.slice(0, n),
    generation: r.generation.slice(0, n),
    color: r.color.slice(0, n),
    status: r.status.slice(0, n),
  });
}

/** Not a benchmark of its own: the worker behind `npm run bench -- router`. */
export async function main(): Promise<number> {
  console.error('router-load is the load client of `npm run bench -- router`; run that instead');
  return 2;
}
