/**
 * The switch caller of `npm run bench -- router` part 2, run in a worker thread of its own so no
 * load-generator work sits on its event loop. It makes its admin calls on one persistent keep-alive
 * HTTP/1.1 connection with a minimal client (the request is one prebuilt string, the response is
 * framed by Content-Length), so what it measures is the router's admin path plus the two wake-ups
 * every cross-process round trip pays, not a client library.
 *
 * Between two switch calls, at the same spacing and under the same load, it measures two floors:
 * - a bare TCP round trip to an echo server in a process of its own (`echo` mode of this file):
 *   the same two wake-ups with no HTTP and no work, i.e. what this machine's scheduler allows;
 * - the wake-up latency of a bare thread blocked in `Atomics.wait` (one wake-up, no network).
 */
import { fork } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { setThreadNice } from '../src/router/thread-priority.js';

export interface SwitcherConfig {
  adminPort: number;
  token: string;
  /** Switch/rollback calls (alternating: switch to green, then rollback). */
  calls: number;
  /** Wait this long before the first call (lets the load reach steady state). */
  startDelayMs: number;
  /** Spread the calls evenly over this long. */
  spanMs: number;
  /** Nice value for this thread, the waker thread and the echo process, best effort (0 = leave alone). */
  nice: number;
}

export interface SwitchCall {
  ms: number;
  /** The router's own time for the call (its Server-Timing `admin;dur`), ms. */
  serverMs: number;
  /** Monotonic ms (see monoMs) when the response was complete. */
  at: number;
  generation: number;
  active: string;
}

export interface SwitcherResult {
  calls: SwitchCall[];
  /** Bare TCP round trips to the echo process, ms. */
  tcpFloorMs: number[];
  /** Bare thread wake-ups, ms. */
  wakeFloorMs: number[];
}

/** Milliseconds on CLOCK_MONOTONIC: one clock for every thread and process of the machine. */
export const monoMs = (): number => Number(process.hrtime.bigint() / 1000n) / 1000;

interface Reply {
  status: number;
  body: string;
  serverMs: number;
}

/** One persistent connection; `exchange` writes a request and resolves with the whole response. */
class Connection {
  private buf: Buffer | null = null;
  private pending: ((r: Reply) => void) | null = null;

  private constructor(private readonly sock: net.Socket) {
    sock.setNoDelay(true);
    sock.on('data', (d: Buffer) => this.onData(d));
  }

  static open(port: number): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const sock = net.connect(port, '127.0.0.1');
      sock.once('connect', () => resolve(new Connection(sock)));
      sock.once('error', reject);
    });
  }

  exchange(request: string): Promise<Reply> {
    return new Promise((resolve) => {
      this.pending = resolve;
      this.sock.write(request);
    });
  }

  /** Raw bytes out, raw bytes back (the echo floor). */
  echo(): Promise<void> {
    return new Promise((resolve) => {
      this.sock.once('data', () => resolve());
      this.sock.write('x');
    });
  }

  close(): void {
    this.sock.destroy();
  }

  private onData(d: Buffer): void {
    if (!this.pending) return; // echo mode: handled by its own listener
    this.buf = this.buf ? Buffer.concat([this.buf, d]) : d;
    const he = this.buf.indexOf('\r\n\r\n');
    if (he < 0) return;
    const head = this.buf.toString('latin1', 0, he).toLowerCase();
    const len = Number(/\r\ncontent-length: *(\d+)/.exec(head)?.[1] ?? 0);
    if (this.buf.length < he + 4 + len) return;
    const body = this.buf.toString('utf8', he + 4, he + 4 + len);
    this.buf = null;
    const done = this.pending;
    this.pending = null;
    const serverMs = Number(/\r\nserver-timing: *admin;dur=([\d.]+)/.exec(head)?.[1] ?? Number.NaN);
    done({ status: Number(head.slice(9, 12)), body, serverMs });
  }
}

function request(token: string, i: number): string {
  const [path, body] = i % 2 === 0 ? ['/switch', '{"to":"green"}'] : ['/rollback', '{}'];
  return (
    `POST ${path} HTTP/1.1\r\nhost: router\r\nauthorization: Bearer ${token}\r\n` +
    `content-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`
  );
}

/** A bare thread that answers each Atomics.notify by recording when it woke. */
function startWaker(nice: number): { wake: () => Promise<number>; stop: () => Promise<number> } {
  const sab = new SharedArrayBuffer(32);
  const flag = new Int32Array(sab, 0, 2);
  const woke = new Float64Array(sab, 8, 1);
  const code = `const { workerData: { sab, nice } } = require('node:worker_threads');
    if (nice) try { require('node:os').setPriority(Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop()), nice); } catch {}
    const flag = new Int32Array(sab, 0, 2), woke = new Float64Array(sab, 8, 1);
    for (;;) {
      Atomics.wait(flag, 0, 0);
      woke[0] = Number(process.hrtime.bigint() / 1000n) / 1000;
      if (Atomics.load(flag, 1) === 1) break;
      Atomics.store(flag, 0, 0);
    }`;
  const w = new Worker(code, { eval: true, workerData: { sab, nice } });
  return {
    wake: async () => {
      const t = monoMs();
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
      // poll (never block this thread): the waker answers within microseconds to milliseconds
      while (Atomics.load(flag, 0) === 1) await new Promise((r) => setImmediate(r));
      return woke[0] - t;
    },
    stop: () => {
      Atomics.store(flag, 1, 1);
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
      return w.terminate();
    },
  };
}

function startEcho(nice: number): Promise<{ port: number; stop: () => void }> {
  const child = fork(fileURLToPath(import.meta.url), ['echo', String(nice)], { stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    child.once('message', (port) => resolve({ port: Number(port), stop: () => child.kill() }));
    child.once('error', reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

async function run(cfg: SwitcherConfig): Promise<SwitcherResult> {
  if (cfg.nice) setThreadNice(cfg.nice);
  const echoServer = await startEcho(cfg.nice);
  const waker = startWaker(cfg.nice);
  const admin = await Connection.open(cfg.adminPort);
  const echo = await Connection.open(echoServer.port);
  const out: SwitcherResult = { calls: [], tcpFloorMs: [], wakeFloorMs: [] };
  try {
    await sleep(cfg.startDelayMs);
    const gap = cfg.spanMs / cfg.calls;
    const start = monoMs();
    for (let i = 0; i < cfg.calls; i++) {
      await sleep(start + i * gap - monoMs());
      const req = request(cfg.token, i);
      const t = monoMs();
      const res = await admin.exchange(req);
      const at = monoMs();
      if (res.status !== 200) throw new Error(`admin call ${i}: ${res.status} ${res.body}`);
      const data = JSON.parse(res.body) as { generation: number; active: string };
      out.calls.push({
        ms: at - t,
        serverMs: res.serverMs,
        at,
        generation: data.generation,
        active: data.active,
      });
      // the floors, half a gap later: same load, same spacing, never overlapping a switch call
      await sleep(start + (i + 0.5) * gap - monoMs());
      const e = monoMs();
      await echo.echo();
      out.tcpFloorMs.push(monoMs() - e);
      out.wakeFloorMs.push(await waker.wake());
    }
  } finally {
    admin.close();
    echo.close();
    echoServer.stop();
    await waker.stop();
  }
  return out;
}

if (parentPort && workerData) {
  parentPort.postMessage(await run(workerData as SwitcherConfig));
} else if (process.argv[2] === 'echo' && process.send) {
  if (Number(process.argv[3])) setThreadNice(Number(process.argv[3]));
  const server = net.createServer({ noDelay: true }, (c) => c.on('data', (d) => c.write(d)));
  server.listen(0, '127.0.0.1', () => process.send!((server.address() as net.AddressInfo).port));
  process.on('disconnect', () => process.exit(0));
}

/** Not a benchmark of its own: the switch caller behind `npm run bench -- router`. */
export async function main(): Promise<number> {
  console.error('router-switcher is the switch caller of `npm run bench -- router`; run that instead');
  return 2;
}
