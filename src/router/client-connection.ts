import type net from 'node:net';
import { BodyFramer, FramingError } from '../http/body-framer.js';
import { HeadError } from '../http/errors.js';
import { headEnd, type RequestHead } from '../http/head.js';
import { nextRequestHead, requestBodyFramer } from '../http/request-reader.js';
import type { Color } from '../spec/types.js';
import type { Backend } from './backend.js';
import { adoptClientSocket } from './client-socket.js';
import type { ColorPool } from './color-pool.js';
import type { DataPlane } from './data-plane.js';
import { writeLatin1 } from './direct-write.js';
import { errorResponse, type RouterErrorCode } from './errors.js';
import { type ForwardedResponse, forwardResponseHead } from './forward-response.js';
import { clientResponseHead, upstreamRequestHead } from './head-writer.js';
import type { ErrorKind } from './metrics.js';
import { ShadowCapture } from './shadow.js';
import type { UpstreamConn, UpstreamHandler } from './upstream-conn.js';

enum State {
  /** Between requests: reading a request head. */
  Idle,
  /** Relaying the request body to the upstream (the response may already be flowing back). */
  Body,
  /** Request fully sent; relaying the response. */
  Wait,
  Closed,
}

/** Pipelined bytes buffered beyond the request in progress before the client is paused. */
const MAX_PIPELINED = 64 * 1024;
/** Request bytes kept so a request can be re-sent after a connect failure. */
const MAX_REPLAY = 256 * 1024;
/** Methods safe to re-send after a reused keep-alive connection turned out to be closed (RFC 9110 §9.2.2). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/**
 * One client connection: parses request heads, picks the color per request, relays bytes to a
 * pooled upstream connection and back, one request at a time (pipelined requests wait their
 * turn in order). Only heads are parsed; bodies pass through as the socket delivered them, with
 * BodyFramer finding where each message ends.
 */
export class ClientConnection implements UpstreamHandler {
  lastActivity: number;
  private upstreamActivity = 0;
  private readonly remote: string;
  private state = State.Idle;
  private pending: Buffer | null = null;
  private clientEnded = false;
  // the exchange in progress
  private req: RequestHead | null = null;
  private reqFramer: BodyFramer | null = null;
  private color: Color = 'blue';
  private generation = 0;
  private pool: ColorPool | null = null;
  private backend: Backend | null = null;
  private conn: UpstreamConn | null = null;
  private replay: (string | Buffer)[] | null = null;
  private replayBytes = 0;
  private tried: Set<Backend> | null = null;
  private staleRetried = false;
  private resBuf: Buffer | null = null;
  private res: ForwardedResponse | null = null;
  private resFramer: BodyFramer | null = null;
  private headSent = false;
  private closeAfter = false;
  private upstreamGarbage = false;
  private t0 = 0;
  private capture: ShadowCapture | null = null;
  /** The upstream request head, held back to leave in one write with the first body bytes. */
  private heldHead: string | null = null;

  private readonly socket: net.Socket;
  /** The client took what we wrote: let the upstream's bytes flow again. */
  private readonly clientDrained = (): void => {
    this.conn?.socket.resume();
  };

  /** `raw`: a socket accepted with `pauseOnConnect`; `readBuffer`: the read buffer shared by all clients. */
  constructor(
    raw: net.Socket,
    readBuffer: Buffer,
    private readonly plane: DataPlane,
    private readonly onGone: (c: ClientConnection) => void,
  ) {
    this.lastActivity = plane.clock.now;
    // chunks are views of readBuffer: onData copies what outlives the read (see detached)
    const socket = adoptClientSocket(raw, readBuffer, (chunk) => this.onData(chunk), true);
    this.socket = socket;
    this.remote = socket.remoteAddress ?? 'unknown';
    socket.setNoDelay(true);
    socket.on('drain', this.clientDrained);
    socket.on('end', () => this.onEnd());
    socket.on('error', () => {});
    socket.on('close', () => this.onClose());
  }

  /** Enforce timeouts; called periodically by the router (one timer for all connections). */
  tick(now: number): void {
    const { limits } = this.plane;
    if (this.state === State.Body || this.state === State.Wait) {
      if (now - this.upstreamActivity > limits.upstreamTimeoutMs)
        this.upstreamFailed('timeout', 'upstream timed out');
    } else if (this.state === State.Idle) {
      if (this.pending && now - this.lastActivity > limits.headersTimeoutMs) {
        this.reject('GL_ROUTER_TIMEOUT', 'request head not received in time');
      } else if (!this.pending && now - this.lastActivity > limits.keepAliveTimeoutMs) {
        this.socket.destroy();
      }
    }
  }

  /** Close when idle (router shutdown); an exchange in progress finishes first. */
  closeWhenIdle(): void {
    this.clientEnded = true;
    if (this.state === State.Idle) this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  /**
   * One read. `chunk` is a view of the read buffer shared by every client, valid only during this
   * call: a request forwarded as it arrives is never copied, and whatever is kept past the call (a
   * partial head, pipelined requests, replayed or captured body bytes, queued writes) is a copy.
   */
  private onData(chunk: Buffer): void {
    this.lastActivity = this.plane.clock.now;
    if (this.state === State.Body) {
      const rest = this.feedBody(chunk);
      if (rest) this.hold(rest);
    } else if (this.state !== State.Closed) {
      this.hold(chunk);
      if (this.state === State.Idle) this.processPending();
    }
    this.pending = detached(this.pending, chunk);
  }

  private hold(b: Buffer): void {
    this.pending = this.pending ? Buffer.concat([this.pending, b]) : b;
    if (this.state !== State.Idle && this.pending.length > MAX_PIPELINED) this.socket.pause();
  }

  private onEnd(): void {
    this.clientEnded = true;
    // like nginx, a client that closes its side mid-exchange has given up (499): free the upstream now
    if (this.state === State.Idle) this.socket.end();
    else this.socket.destroy();
  }

  private onClose(): void {
    const active = this.state === State.Body || this.state === State.Wait;
    this.state = State.Closed;
    this.onGone(this);
    if (active) {
      this.conn?.destroy();
      this.conn = null;
      this.backend!.inFlight--;
      this.endExchange(499, 'client_abort');
    }
  }

  private processPending(): void {
    while (this.state === State.Idle && this.pending) {
      const head = this.nextHead();
      if (!head) return;
      this.dispatch(head);
    }
  }

  /** Parse the next request head from `pending`; undefined when incomplete or refused. */
  private nextHead(): RequestHead | undefined {
    const buf = this.pending!;
    let next: ReturnType<typeof nextRequestHead>;
    try {
      next = nextRequestHead(buf, 0, this.plane.limits.maxHeadBytes);
    } catch (err) {
      this.reject(refusalCode(err), (err as Error).message);
      return undefined;
    }
    const head = next.head;
    if (head === undefined) {
      // keep what follows the empty lines skipped before a request line
      this.pending = next.start >= buf.length ? null : next.start > 0 ? buf.subarray(next.start) : buf;
      return undefined;
    }
    if (head.contentLength > this.plane.limits.maxBodyBytes) {
      this.reject('GL_ROUTER_BODY_TOO_LARGE', 'request body too large');
      return undefined;
    }
    this.pending = next.end < buf.length ? buf.subarray(next.end) : null;
    return head;
  }

  /** Refuse a request before it reached any color, and close (its body boundary is unknown). */
  private reject(code: RouterErrorCode, message: string): void {
    const kind: ErrorKind = code === 'GL_ROUTER_BODY_TOO_LARGE' ? 'too_large' : 'bad_request';
    this.plane.metrics.error('none', kind);
    this.state = State.Closed;
    this.pending = null;
    this.socket.end(errorResponse(code, message, true));
  }

  private dispatch(head: RequestHead): void {
    const plane = this.plane;
    const now = plane.clock.now;
    const color = plane.route(head);
    const pool = plane.pool(color);
    const backend = pool.pick(now);
    this.req = head;
    this.color = color;
    this.generation = plane.generation();
    this.pool = pool;
    this.t0 = performance.now();
    this.upstreamActivity = now;
    this.reqFramer = requestBodyFramer(head, plane.limits.maxBodyBytes);
    this.state = this.reqFramer.done ? State.Wait : State.Body;
    pool.begin();
    if (!backend) {
      this.backend = null;
      this.respondFailure('GL_ROUTER_NO_BACKENDS', `no backend for color ${color}`, 'no_backend');
      return;
    }
    const upstreamHead = upstreamRequestHead(head, this.remote, backend.hostPort);
    if (plane.pool(color === 'blue' ? 'green' : 'blue').backends.length > 0 && plane.shadow.sample()) {
      this.startCapture(head);
    }
    this.replay = [upstreamHead];
    this.replayBytes = upstreamHead.length;
    if (this.pending && this.state === State.Body) {
      // head and the body bytes already here leave in one write (a POST /predict is one packet):
      // the head is held back and goes out with the first body bytes (see sendBody)
      this.startOn(backend, true);
      const p = this.pending;
      this.pending = null;
      const rest = this.feedBody(p);
      this.releaseHeldHead();
      if (rest) this.hold(rest);
      return;
    }
    this.startOn(backend, false);
    if (this.state === State.Wait) {
      this.requestComplete();
    }
  }

  private startCapture(head: RequestHead): void {
    this.capture = new ShadowCapture(this.plane.shadow, head, this.remote);
    const cap = this.capture;
    this.reqFramer!.capture((p) => cap.addRequest(p));
  }

  /**
   * Send what we have of the request to `backend` (first try or retry). `holdHead`: only the head
   * is known yet and body bytes follow at once; sendBody writes the head together with them.
   */
  private startOn(backend: Backend, holdHead: boolean): void {
    this.backend = backend;
    backend.inFlight++;
    const conn = backend.acquire();
    conn.handler = this;
    this.conn = conn;
    const replay = this.replay!;
    if (holdHead) {
      this.heldHead = replay[0] as string;
      return;
    }
    for (let i = 0; i < replay.length; i++) conn.write(replay[i]);
  }

  /** Write a head still held back (no body bytes took it along, or the exchange failed meanwhile). */
  private releaseHeldHead(): void {
    const head = this.heldHead;
    if (head === null) return;
    this.heldHead = null;
    this.conn?.write(head);
  }

  private feedBody(buf: Buffer): Buffer | null {
    const f = this.reqFramer!;
    let n: number;
    try {
      n = f.consume(buf, 0);
    } catch (err) {
      if (err instanceof FramingError && err.status === 413)
        this.requestFailed('GL_ROUTER_BODY_TOO_LARGE', 'request body too large', 'too_large');
      else
        this.requestFailed(
          'GL_ROUTER_BAD_REQUEST',
          `malformed chunked request body: ${(err as Error).message}`,
          'bad_request',
        );
      return null;
    }
    if (f.payloadBytes > this.plane.limits.maxBodyBytes) {
      this.requestFailed('GL_ROUTER_BODY_TOO_LARGE', 'request body too large', 'too_large');
      return null;
    }
    if (n > 0) this.sendBody(n === buf.length ? buf : buf.subarray(0, n));
    if (f.done && this.state === State.Body) {
      this.state = State.Wait;
      this.requestComplete();
    }
    return n < buf.length ? buf.subarray(n) : null;
  }

  private sendBody(slice: Buffer): void {
    this.upstreamActivity = this.plane.clock.now;
    if (this.replay) {
      this.replayBytes += slice.length;
      if (this.replayBytes > MAX_REPLAY) this.replay = null;
      else this.replay.push(Buffer.from(slice));
    }
    const conn = this.conn;
    if (!conn) return;
    const head = this.heldHead;
    let ok: boolean;
    if (head === null) {
      ok = conn.write(Buffer.from(slice));
    } else {
      this.heldHead = null;
      ok = writeTogether(conn.socket, head, slice, 0, slice.length, conn.drained);
    }
    if (!ok) this.socket.pause();
  }

  private requestComplete(): void {
    if (this.capture) {
      const other: Color = this.color === 'blue' ? 'green' : 'blue';
      this.capture.requestComplete(this.plane.pool(other));
    }
  }

  onUpstreamDrain(): void {
    if (this.state === State.Body) this.socket.resume();
  }

  onUpstreamData(chunk: Buffer): void {
    this.upstreamActivity = this.plane.clock.now;
    if (this.res) {
      this.relayBody(chunk, 0);
      return;
    }
    this.resBuf = this.resBuf ? Buffer.concat([this.resBuf, chunk]) : chunk;
    this.readResponseHead();
    // `chunk` is a view of the backend's read buffer: keep a copy of a head still incomplete
    this.resBuf = detached(this.resBuf, chunk);
  }

  private readResponseHead(): void {
    for (;;) {
      const buf = this.resBuf!;
      const end = headEnd(buf);
      if (end < 0) {
        if (buf.length > this.plane.limits.maxHeadBytes * 4)
          this.upstreamFailed('bad_response', 'response head too large');
        return;
      }
      let res: ForwardedResponse;
      try {
        res = forwardResponseHead(buf, end);
      } catch (err) {
        this.upstreamFailed('bad_response', (err as Error).message);
        return;
      }
      if (res.status >= 200) {
        this.startResponse(res, buf, end);
        return;
      }
      if (res.status === 101) {
        this.upstreamFailed('bad_response', 'unexpected protocol switch');
        return;
      }
      // interim responses (100 Continue, 103 Early Hints) pass through to HTTP/1.1 clients (RFC 9110 §15.2)
      if (this.req!.minor === 1) this.socket.write(Buffer.from(buf.subarray(0, end)));
      if (end === buf.length) {
        this.resBuf = null;
        return;
      }
      this.resBuf = buf.subarray(end);
    }
  }

  private startResponse(res: ForwardedResponse, buf: Buffer, end: number): void {
    this.resBuf = null;
    this.res = res;
    this.replay = null; // a response has started: the request is never re-sent
    const req = this.req!;
    let framer: BodyFramer;
    if (req.method === 'HEAD' || res.status === 204 || res.status === 304) framer = new BodyFramer('none');
    else if (res.chunked) framer = new BodyFramer('chunked');
    else if (res.otherEncoding || res.contentLength < 0) framer = new BodyFramer('close');
    else framer = new BodyFramer('length', res.contentLength);
    this.resFramer = framer;
    if (this.capture) {
      const cap = this.capture;
      framer.capture((p) => cap.addResponse(p));
    }
    this.closeAfter = req.close || framer.framing === 'close' || this.clientEnded;
    const head = clientResponseHead(res.kept, this.color, this.generation, this.closeAfter, req.minor === 0);
    let n: number;
    try {
      n = framer.consume(buf, end);
    } catch (err) {
      this.upstreamFailed('bad_response', (err as Error).message);
      return;
    }
    if (framer.done && end + n < buf.length) {
      // bytes past a whole response, in the same read: the upstream does not frame as we read it
      // (llhttp refuses them too); nothing was sent yet, so the client gets a 502, not a guess
      this.upstreamFailed('bad_response', 'bytes after the end of the response');
      return;
    }
    this.headSent = true;
    if (!this.writeHead(head, buf, end, n)) this.conn?.socket.pause();
    if (framer.done) this.finish();
  }

  /**
   * Write the response head and the first body bytes in one syscall: a small body rides in the
   * same latin1 string (node writes strings without an intermediate Buffer); a large one is corked.
   */
  private writeHead(head: string, buf: Buffer, start: number, n: number): boolean {
    if (n === 0) return writeLatin1(this.socket, head, this.clientDrained);
    return writeTogether(this.socket, head, buf, start, n, this.clientDrained);
  }

  private relayBody(chunk: Buffer, offset: number): void {
    const f = this.resFramer!;
    let n: number;
    try {
      n = f.consume(chunk, offset);
    } catch (err) {
      this.upstreamFailed('bad_response', (err as Error).message);
      return;
    }
    // a copy: the socket may queue it past this read
    if (n > 0 && !this.socket.write(Buffer.from(chunk.subarray(offset, offset + n)))) {
      this.conn?.socket.pause();
    }
    if (offset + n < chunk.length) this.upstreamGarbage = true;
    if (f.done) this.finish();
  }

  onUpstreamClose(err: Error | undefined, connected: boolean): void {
    const conn = this.conn;
    this.conn = null;
    if (this.res && this.resFramer!.framing === 'close') {
      this.finish();
      return;
    }
    if (!connected) {
      this.upstreamFailed('connect', err?.message ?? 'connect failed', conn);
      return;
    }
    this.upstreamFailed('upstream_reset', err?.message ?? 'upstream closed the connection', conn);
  }

  /** The response is complete. */
  private finish(): void {
    const res = this.res!;
    const backend = this.backend!;
    backend.inFlight--;
    backend.recordStatus(res.status, this.plane.clock.now);
    const reqDone = this.reqFramer!.done;
    const conn = this.conn;
    this.conn = null;
    if (conn) {
      const reusable = reqDone && !res.close && this.resFramer!.framing !== 'close' && !this.upstreamGarbage;
      if (reusable) {
        if (conn.socket.isPaused()) conn.socket.resume();
        backend.release(conn);
      } else {
        conn.destroy();
      }
    }
    if (!reqDone) this.closeAfter = true;
    this.endExchange(res.status, null);
  }

  /** A request-side failure mid-exchange (bad chunked framing, over the size limit). */
  private requestFailed(code: RouterErrorCode, message: string, kind: ErrorKind): void {
    this.conn?.destroy();
    this.conn = null;
    if (this.backend) this.backend.inFlight--;
    this.closeAfter = true;
    if (this.headSent) {
      this.socket.destroy();
      this.endExchange(this.res!.status, kind);
    } else {
      this.socket.write(errorResponse(code, message, true));
      this.endExchange(code === 'GL_ROUTER_BODY_TOO_LARGE' ? 413 : 400, kind);
    }
  }

  private canRetry(kind: ErrorKind, conn: UpstreamConn | null | undefined): boolean {
    if (this.res || !this.replay || this.state === State.Closed) return false;
    if (kind === 'connect') return true;
    // a pooled connection the upstream closed just as we reused it: nothing was processed
    const stale = kind === 'upstream_reset' && !!conn && conn.uses > 0 && !this.resBuf && !this.staleRetried;
    return stale && this.state === State.Wait && IDEMPOTENT.has(this.req!.method);
  }

  private upstreamFailed(kind: ErrorKind, message: string, conn: UpstreamConn | null = this.conn): void {
    if (this.state !== State.Body && this.state !== State.Wait) return;
    this.conn?.destroy();
    this.conn = null;
    const backend = this.backend!;
    const now = Date.now();
    backend.inFlight--;
    if (kind === 'connect') backend.markDown(now);
    else if (kind !== 'timeout' || !this.res) backend.recordStatus(502, now);
    if (this.canRetry(kind, conn)) {
      if (kind === 'connect') {
        this.tried ??= new Set();
        this.tried.add(backend);
        // retries stay on the SAME color: a request must never silently cross to the other model
        const next = this.pool!.pick(now, this.tried);
        if (next) {
          this.startOn(next, false);
          return;
        }
      } else {
        this.staleRetried = true;
        this.startOn(backend, false);
        return;
      }
    }
    if (this.headSent) {
      this.closeAfter = true;
      this.socket.destroy();
      this.endExchange(this.res!.status, kind);
      return;
    }
    const code: RouterErrorCode =
      kind === 'timeout'
        ? 'GL_ROUTER_UPSTREAM_TIMEOUT'
        : kind === 'bad_response'
          ? 'GL_ROUTER_UPSTREAM_BAD_RESPONSE'
          : 'GL_ROUTER_UPSTREAM_UNAVAILABLE';
    this.respondFailure(code, `${this.color} upstream: ${message}`, kind);
  }

  /** Answer the client with a router error in place of the upstream response. */
  private respondFailure(code: RouterErrorCode, message: string, kind: ErrorKind): void {
    // if the request body has not fully arrived we cannot find the next request: close
    const close = this.state === State.Body || this.req!.close || this.clientEnded;
    this.closeAfter = close;
    this.socket.write(errorResponse(code, message, close));
    this.endExchange(
      code === 'GL_ROUTER_UPSTREAM_TIMEOUT' ? 504 : code === 'GL_ROUTER_NO_BACKENDS' ? 503 : 502,
      kind,
    );
  }

  private endExchange(status: number, kind: ErrorKind | null): void {
    const t1 = performance.now();
    const seconds = (t1 - this.t0) / 1000;
    const color = this.color;
    const { metrics, requestLog } = this.plane;
    metrics.request(color, status, seconds);
    // the same two clock reads as the latency above; the line itself is built off the data path
    if (requestLog !== null) {
      requestLog.record(
        this.t0,
        t1,
        color,
        this.generation,
        status,
        this.res?.modelVersion,
        this.capture !== null,
      );
    }
    const pool = this.pool!;
    if (kind) {
      metrics.error(color, kind);
      pool.errors++;
    }
    const capture = this.capture;
    if (capture) {
      if (kind || !this.res) capture.abandon();
      else capture.primaryDone(color, status, seconds * 1000, this.res.modelVersion);
    }
    this.req = null;
    this.reqFramer = null;
    this.pool = null;
    this.backend = null;
    this.replay = null;
    this.tried = null;
    this.staleRetried = false;
    this.res = null;
    this.resBuf = null;
    this.resFramer = null;
    this.headSent = false;
    this.upstreamGarbage = false;
    this.capture = null;
    this.heldHead = null;
    pool.end();
    if (this.state === State.Closed) return;
    if (this.closeAfter || this.clientEnded) {
      this.state = State.Closed;
      this.socket.end();
      return;
    }
    this.closeAfter = false;
    this.state = State.Idle;
    this.lastActivity = this.plane.clock.now;
    if (this.socket.isPaused()) this.socket.resume();
    // pipelined requests continue on a fresh stack (an error answered synchronously could otherwise recurse)
    if (this.pending) process.nextTick(() => this.processPending());
  }
}

/**
 * `kept`, or a copy of it when it still points into the read buffer `view` came from (the next
 * read overwrites that buffer). Bytes already copied (by a concat) are returned as they are.
 */
function detached(kept: Buffer | null, view: Buffer): Buffer | null {
  return kept !== null && kept.buffer === view.buffer ? Buffer.from(kept) : kept;
}

/**
 * Write a head and the first `n` body bytes of `buf` from `start` in one syscall: a small body
 * rides in the same latin1 string (node writes strings without an intermediate Buffer, and one
 * write avoids the writev path of a corked pair); a large one is corked.
 */
function writeTogether(
  socket: net.Socket,
  head: string,
  buf: Buffer,
  start: number,
  n: number,
  onDrain: () => void,
): boolean {
  if (n <= 4096) return writeLatin1(socket, head + buf.toString('latin1', start, start + n), onDrain);
  socket.cork();
  socket.write(head, 'latin1');
  // a copy: `buf` is a read buffer's view and the socket may queue the bytes past this read
  const ok = socket.write(Buffer.from(buf.subarray(start, start + n)));
  socket.uncork();
  return ok;
}

/** The router's code for a head the reader refused: 431 too large, 501 not implemented, else 400. */
function refusalCode(err: unknown): RouterErrorCode {
  const status = err instanceof HeadError ? err.status : 400;
  if (status === 431) return 'GL_ROUTER_HEADERS_TOO_LARGE';
  return status === 501 ? 'GL_ROUTER_NOT_IMPLEMENTED' : 'GL_ROUTER_BAD_REQUEST';
}
