import type { Socket } from 'node:net';
import { BodyFramer } from '../../http/body-framer.js';
import { HttpError } from '../../http/errors.js';
import type { RequestHead } from '../../http/head.js';
import { nextRequestHead } from '../../http/request-reader.js';
import { adoptClientSocket } from '../../router/client-socket.js';
import type { HttpHandler, HttpRequest } from './request.js';
import { CONTINUE, serializeResponse } from './response.js';

export interface ConnectionOptions {
  handler: HttpHandler;
  /** Largest request body in bytes; a larger one is discarded and the handler sees `body: undefined`. */
  bodyLimit: number;
  /** Largest request head (request line and fields); a larger one gets 431. */
  maxHeadBytes: number;
  /** Most requests read ahead of their answers (pipelining); beyond it the socket stops being read. */
  maxPipelined: number;
  /** Field lines every response carries (`x-model-version: v1\r\n`). */
  fixedFields: string;
  /** True while the server drains: answers say `Connection: close` and idle connections end. */
  draining(): boolean;
}

/** What the connection owes the client, in request order: an answer or an interim `100 Continue`. */
interface Reply {
  out: string | undefined;
  close: boolean;
}

const EMPTY = Buffer.alloc(0);
const JSON_TYPE = 'application/json';

/** A request being answered: the handler's view of it, and its place in the connection's reply queue. */
class Exchange implements HttpRequest, Reply {
  out: string | undefined = undefined;
  body: Buffer | undefined = EMPTY;
  readonly method: string;
  readonly target: string;
  readonly http10: boolean;
  close: boolean;

  constructor(
    private readonly conn: Connection,
    head: RequestHead,
  ) {
    this.method = head.method;
    this.target = head.target;
    this.http10 = head.minor === 0;
    this.close = head.close;
  }

  respond(status: number, contentType: string, body: string, extraFields = ''): void {
    if (this.out !== undefined) return;
    // While draining, the last answer owed on a connection closes it; earlier pipelined ones still go out.
    if (this.conn.options.draining() && this.conn.isLast(this)) this.close = true;
    this.out = serializeResponse(status, contentType, body, this.conn.options.fixedFields, extraFields, {
      http10: this.http10,
      close: this.close,
      head: this.method === 'HEAD',
    });
    this.conn.flush();
  }
}

/**
 * One HTTP/1.1 connection of the model server (RFC 9112): parses request heads (the router's
 * smuggling-safe parser) and Content-Length or chunked bodies from the socket's bytes, hands each
 * complete request to the handler, and writes answers in request order, each as one write.
 * Keep-alive, HTTP/1.0, pipelining, `Expect: 100-continue`, body limits and framing errors are
 * handled here so that the handler only ever sees whole, well-framed requests.
 */
export class Connection {
  /** Received bytes not parsed yet (part of a head). */
  private pending: Buffer | undefined;
  /** The request whose body is being read, with its framer and the body bytes so far. */
  private reading: Exchange | undefined;
  private framer: BodyFramer | undefined;
  private chunks: Buffer[] = [];
  private bodySize = 0;
  /** Answers owed, oldest first. */
  private readonly queue: Reply[] = [];
  /** No further requests are read (the client asked to close, sent garbage, or went away). */
  private stopped = false;
  private pausedForQueue = false;
  private pausedForWrite = false;
  private ended = false;
  /** No request has been read yet: a silent new connection is held to the headers timeout. */
  private fresh = true;
  /** When the head being read began (or the connection opened): the headers and request timeouts count from it. */
  private headStart: number;
  /** When the connection last became idle (no answer owed, no partial request), or ended. */
  private since: number;

  readonly socket: Socket;

  /**
   * `raw`: an accepted socket. With `readBuffer` (the server accepted it with `pauseOnConnect`) it
   * reads through `onread` into that buffer, shared by every connection (see
   * router/client-socket.ts: no Readable stream machinery and no 64 KiB allocation per read).
   */
  constructor(
    raw: Socket,
    readonly options: ConnectionOptions,
    readBuffer?: Buffer,
  ) {
    this.headStart = this.since = Date.now();
    const socket =
      readBuffer === undefined ? raw : adoptClientSocket(raw, readBuffer, (chunk) => this.onData(chunk));
    if (socket === raw && readBuffer === undefined) socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket = socket;
    // allowHalfOpen: a client may shut its side after its last request and still read the answers.
    socket.on('end', () => {
      // a request cut short can never be answered; what is owed still is
      this.stopped = true;
      this.pending = undefined;
      this.reading = undefined;
      this.framer = undefined;
      this.endIfDone();
    });
    socket.on('error', () => {}); // a reset by the peer; 'close' follows and the server forgets us
    socket.on('drain', () => {
      this.pausedForWrite = false;
      this.resume();
    });
  }

  /** True when `reply` is the newest answer owed (nothing was read after it). */
  isLast(reply: Reply): boolean {
    return this.queue[this.queue.length - 1] === reply && this.reading === undefined;
  }

  /** Idle: no answer owed, no request partly read. */
  get idle(): boolean {
    return this.queue.length === 0 && this.reading === undefined && this.pending === undefined;
  }

  private onData(chunk: Buffer): void {
    if (this.stopped) return; // after a close was decided, further bytes are discarded
    let buf = chunk;
    if (this.pending !== undefined) buf = Buffer.concat([this.pending, chunk]);
    else if (this.reading === undefined) this.headStart = Date.now();
    this.pending = undefined;
    this.parse(buf, 0);
  }

  /** Parse requests from `buf[off..]` until it is used up, a head is incomplete, or reading stops. */
  private parse(buf: Buffer, off: number): void {
    try {
      while (off < buf.length && !this.stopped && !this.pausedForQueue && !this.pausedForWrite) {
        if (this.framer !== undefined) {
          off = this.readBody(buf, off);
          continue;
        }
        const next = this.readHead(buf, off);
        if (next < 0) break;
        off = next;
      }
    } catch (err) {
      this.refuse(err);
      return;
    }
    if (off < buf.length && !this.stopped) this.pending = buf.subarray(off);
    if (this.pausedForQueue || this.pausedForWrite) this.socket.pause();
  }

  /** Read one head at `off` and start its body; returns the offset after what was used, -1 if incomplete. */
  private readHead(buf: Buffer, off: number): number {
    const next = nextRequestHead(buf, off, this.options.maxHeadBytes);
    if (next.head === undefined) return next.start >= buf.length ? next.start : -1;
    return this.startBody(new Exchange(this, next.head), next.head, buf, next.end);
  }

  private startBody(ex: Exchange, head: RequestHead, buf: Buffer, off: number): number {
    const length = head.contentLength;
    const limit = this.options.bodyLimit;
    if (length > limit) {
      ex.body = undefined;
      // The client waits for our word before sending: refuse now, and close rather than guess
      // whether it sends the body anyway (RFC 9110 §10.1.1).
      if (head.expectContinue) ex.close = true;
      this.dispatch(ex);
      if (ex.close) {
        this.stopped = true;
        return buf.length;
      }
      this.expectBody(ex, new BodyFramer('length', length));
      return off;
    }
    if (head.expectContinue && (length > 0 || head.chunked)) {
      this.queue.push({ out: CONTINUE, close: false });
      this.flush();
    }
    if (head.chunked) {
      this.expectBody(ex, new BodyFramer('chunked'));
      return off;
    }
    if (length <= 0) {
      this.complete(ex);
      return off;
    }
    if (buf.length - off >= length) {
      // the common case: the whole body arrived with its head; no copy
      ex.body = buf.subarray(off, off + length);
      this.complete(ex);
      return off + length;
    }
    this.expectBody(ex, new BodyFramer('length', length));
    return off;
  }

  private expectBody(ex: Exchange, framer: BodyFramer): void {
    this.reading = ex;
    this.framer = framer;
    this.chunks = [];
    this.bodySize = 0;
    if (ex.body === undefined) return; // already refused: discard the bytes
    framer.capture((payload) => this.collect(payload));
  }

  private collect(payload: Buffer): void {
    const ex = this.reading!;
    if (ex.body === undefined) return;
    this.bodySize += payload.length;
    if (this.bodySize > this.options.bodyLimit) {
      // over the limit mid-stream: refuse now, keep reading (and dropping) to the end of the body
      ex.body = undefined;
      this.chunks = [];
      this.dispatch(ex);
      return;
    }
    this.chunks.push(payload);
  }

  private readBody(buf: Buffer, off: number): number {
    const framer = this.framer!;
    off += framer.consume(buf, off);
    if (!framer.done) return off;
    const ex = this.reading!;
    this.reading = undefined;
    this.framer = undefined;
    if (ex.body === undefined) {
      if (ex.close) this.stopped = true;
      return off; // answered when it went over the limit
    }
    const chunks = this.chunks;
    this.chunks = [];
    ex.body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    this.complete(ex);
    return off;
  }

  /** The request is whole: answer it; stop reading after it when it asked to close. */
  private complete(ex: Exchange): void {
    if (ex.close) this.stopped = true;
    this.dispatch(ex);
  }

  private dispatch(ex: Exchange): void {
    this.fresh = false;
    this.queue.push(ex);
    if (this.queue.length >= this.options.maxPipelined) this.pausedForQueue = true;
    try {
      this.options.handler(ex);
    } catch (err) {
      ex.respond(500, JSON_TYPE, JSON.stringify({ error: `internal error: ${(err as Error).message}` }));
    }
  }

  /** A request that cannot be framed: answer it (after what is owed) and close, since no next request can be found. */
  private refuse(err: unknown): void {
    this.stopped = true;
    this.pending = undefined;
    this.reading = undefined;
    this.framer = undefined;
    const [status, message] = refusal(err);
    const out = serializeResponse(
      status,
      JSON_TYPE,
      JSON.stringify({ error: message }),
      this.options.fixedFields,
      '',
      {
        http10: false,
        close: true,
        head: false,
      },
    );
    this.queue.push({ out, close: true });
    this.flush();
  }

  /** Write every answer that is ready and in turn, as one write. */
  flush(): void {
    let out = '';
    let close = false;
    const q = this.queue;
    while (q.length > 0 && q[0].out !== undefined) {
      const reply = q.shift()!;
      out += reply.out;
      if (reply.close) {
        close = true;
        break;
      }
    }
    if (out.length > 0 && !this.socket.destroyed && !this.ended) {
      if (!this.socket.write(out)) this.pausedForWrite = true;
    }
    if (close) {
      this.stopped = true;
      q.length = 0;
    }
    if (q.length === 0 && this.reading === undefined) this.since = Date.now();
    this.endIfDone();
    if (this.pausedForQueue && q.length < this.options.maxPipelined) {
      this.pausedForQueue = false;
      this.resume();
    }
  }

  /** Continue parsing what was left unread when reading paused. */
  private resume(): void {
    if (this.pausedForQueue || this.pausedForWrite || this.stopped) return;
    this.socket.resume();
    const rest = this.pending;
    this.pending = undefined;
    if (rest !== undefined) this.parse(rest, 0);
  }

  /** End the connection once nothing more will be read and nothing more is owed. */
  private endIfDone(): void {
    if (this.ended || this.queue.length > 0) return;
    const drainingIdle = this.options.draining() && this.idle;
    if (!(this.stopped && this.reading === undefined) && !drainingIdle) return;
    this.ended = true;
    this.since = Date.now();
    this.socket.end();
  }

  /** Draining began: end now if idle (busy connections end after their last answer, which says close). */
  drain(): void {
    this.endIfDone();
  }

  /**
   * Enforce the timeouts, so that a slow or silent client cannot hold the connection (slowloris):
   * a head must arrive within `headersMs`, a whole request within `requestMs`, an idle keep-alive
   * connection ends after `keepAliveMs`, and an ended one that the client does not close is cut.
   */
  checkTimeouts(now: number, t: { headersMs: number; requestMs: number; keepAliveMs: number }): void {
    if (this.ended) {
      if (now - this.since > t.keepAliveMs) this.socket.destroy();
      return;
    }
    if (this.queue.length > 0) return; // we owe the answer: the client is not the slow one
    if (this.reading !== undefined) {
      if (now - this.headStart > t.requestMs) this.timeOut();
      return;
    }
    if (this.pending !== undefined || this.fresh) {
      if (now - this.headStart > t.headersMs) this.timeOut();
      return;
    }
    if (now - this.since > t.keepAliveMs) {
      this.stopped = true;
      this.endIfDone();
    }
  }

  private timeOut(): void {
    this.refuse(new RequestTimeout());
  }
}

class RequestTimeout extends Error {
  constructor() {
    super('request not received in time');
  }
}

function refusal(err: unknown): [number, string] {
  if (err instanceof RequestTimeout) return [408, err.message];
  // the reader's errors carry their status: 400, 413, 431 or 501
  if (err instanceof HttpError)
    return [err.status, err.status === 431 ? err.message : `bad request: ${err.message}`];
  return [400, `bad request: ${(err as Error).message}`];
}
