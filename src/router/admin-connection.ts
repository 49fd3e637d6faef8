import http from 'node:http';
import type net from 'node:net';
import { type BodyFramer, FramingError } from '../http/body-framer.js';
import { fieldValue, HeadError, type RequestHead } from '../http/head.js';
import { nextRequestHead, requestBodyFramer } from '../http/request-reader.js';
import type { AdminAnswer, AdminRequest } from './admin-routes.js';

/** Largest admin request body accepted. */
export const MAX_ADMIN_BODY = 64 * 1024;
/** Largest admin request head accepted. */
const MAX_HEAD = 16 * 1024;
/** An idle keep-alive connection is closed after this long (a request being answered is never cut). */
const IDLE_TIMEOUT_MS = 60_000;
/** A request whose head and body have not all arrived this long after its first bytes gets 408. */
const REQUEST_TIMEOUT_MS = 60_000;

/** Answers one admin request; may answer at once (a switch) or later (handed to another thread). */
export type AdminHandler = (req: AdminRequest) => AdminAnswer | Promise<AdminAnswer>;

const errorAnswer = (status: number, code: string, error: string): AdminAnswer => ({
  status,
  contentType: 'application/json',
  body: JSON.stringify({ error, code }),
});

let dateSecond = 0;
let dateValue = '';
/** The Date field (RFC 9110 §6.6.1), formatted at most once a second. */
function httpDate(): string {
  const now = Date.now();
  const s = Math.floor(now / 1000);
  if (s !== dateSecond) {
    dateSecond = s;
    dateValue = new Date(now).toUTCString();
  }
  return dateValue;
}

/**
 * One admin HTTP/1.1 connection, served without node:http: the head is parsed by the data plane's
 * own parser (src/http/head.ts), the body framed by its BodyFramer, and the answer written as one
 * string. A switch is a few hundred bytes each way, and node:http's streams, IncomingMessage and
 * ServerResponse cost more event-loop turns and cache misses than the switch itself; this path
 * takes the request from the socket's `data` event to the answer's write in one turn.
 * Requests on a connection are answered one at a time, in order (pipelined ones wait in the buffer).
 */
export class AdminConnection {
  private buf: Buffer | null = null;
  private head: RequestHead | null = null;
  private framer: BodyFramer | null = null;
  private parts: Buffer[] = [];
  /** A request is being answered: later bytes wait. */
  private busy = false;
  /** The client has finished sending (half-close): close once the current answer is out. */
  private ended = false;
  /** An unreadable request was refused: the connection is closing, later bytes are dropped. */
  private failed = false;
  /** Inside parse(): an answer given synchronously lets that loop go on instead of recursing. */
  private parsing = false;
  /** performance.now() when the current request's first bytes were read (for Server-Timing). */
  private startedAt = 0;

  constructor(
    private readonly sock: net.Socket,
    private readonly handler: AdminHandler,
    onClose: (c: AdminConnection) => void,
    private readonly requestTimeoutMs = REQUEST_TIMEOUT_MS,
  ) {
    sock.setNoDelay(true);
    sock.setTimeout(IDLE_TIMEOUT_MS, () => sock.destroy());
    sock.on('data', (d: Buffer) => {
      if (this.failed) return;
      const partial = this.buf !== null || this.head !== null;
      if (!partial && !this.busy) this.startedAt = performance.now();
      // a request trickling in (slowloris) is cut off, as node:http's requestTimeout would
      if (partial && !this.busy && performance.now() - this.startedAt > this.requestTimeoutMs)
        return this.fail(408, 'GL_ROUTER_TIMEOUT', 'admin request not received in time');
      this.buf = this.buf ? Buffer.concat([this.buf, d]) : d;
      if (this.busy) {
        // pipelined bytes wait; stop reading if a client piles up more than one request's worth
        if (this.buf.length > MAX_HEAD + MAX_ADMIN_BODY) sock.pause();
      } else this.parse();
    });
    sock.on('end', () => {
      this.ended = true;
      if (!this.busy) sock.end();
    });
    sock.on('error', () => sock.destroy());
    sock.on('close', () => onClose(this));
  }

  destroy(): void {
    this.sock.destroy();
  }

  /** Parse and dispatch as many whole requests as the buffer holds, one at a time. */
  private parse(): void {
    if (this.parsing) return;
    this.parsing = true;
    try {
      while (this.buf && !this.busy && !this.sock.destroyed) {
        if (!this.head && !this.startRequest()) return;
        if (!this.readBody()) return;
        this.dispatch();
      }
    } finally {
      this.parsing = false;
    }
  }

  /** Parse the head at the start of the buffer; false when incomplete or refused. */
  private startRequest(): boolean {
    const buf = this.buf!;
    let next: ReturnType<typeof nextRequestHead>;
    try {
      next = nextRequestHead(buf, 0, MAX_HEAD);
    } catch (err) {
      if (!(err instanceof HeadError)) throw err;
      const code =
        err.status === 431
          ? 'GL_ROUTER_HEADERS_TOO_LARGE'
          : err.status === 501
            ? 'GL_ROUTER_NOT_IMPLEMENTED'
            : 'GL_ROUTER_BAD_REQUEST';
      this.fail(err.status, code, err.message);
      return false;
    }
    const head = next.head;
    if (head === undefined) return false;
    if (head.contentLength > MAX_ADMIN_BODY) {
      this.fail(413, 'GL_ROUTER_BODY_TOO_LARGE', 'admin request body too large');
      return false;
    }
    this.buf = next.end < buf.length ? buf.subarray(next.end) : null;
    this.head = head;
    this.framer = requestBodyFramer(head, MAX_ADMIN_BODY);
    this.parts = [];
    this.framer.capture((p) => this.parts.push(p));
    if (head.expectContinue && !this.framer.done) this.sock.write('HTTP/1.1 100 Continue\r\n\r\n');
    return true;
  }

  /** Consume body bytes; true once the whole body is in. */
  private readBody(): boolean {
    const framer = this.framer!;
    if (this.buf && !framer.done) {
      let n: number;
      try {
        n = framer.consume(this.buf, 0);
      } catch (err) {
        if (!(err instanceof FramingError)) throw err;
        if (err.status === 413) this.fail(413, 'GL_ROUTER_BODY_TOO_LARGE', 'admin request body too large');
        else this.fail(400, 'GL_ROUTER_BAD_REQUEST', err.message);
        return false;
      }
      this.buf = n < this.buf.length ? this.buf.subarray(n) : null;
    }
    if (framer.payloadBytes > MAX_ADMIN_BODY) {
      this.fail(413, 'GL_ROUTER_BODY_TOO_LARGE', 'admin request body too large');
      return false;
    }
    return framer.done;
  }

  private dispatch(): void {
    const head = this.head!;
    const parts = this.parts;
    this.head = null;
    this.framer = null;
    this.parts = [];
    this.busy = true;
    // a request being answered (GET /drain may wait long) is not idle
    this.sock.setTimeout(0);
    const answer = this.handler({
      method: head.method,
      url: head.target,
      authorization: fieldValue(head, 'authorization'),
      body: parts.length === 1 ? parts[0].toString('utf8') : Buffer.concat(parts).toString('utf8'),
    });
    if (answer instanceof Promise) {
      answer.then(
        (a) => this.respond(head, a),
        (err: Error) => this.respond(head, errorAnswer(500, 'GL_ROUTER_INTERNAL', err.message)),
      );
    } else this.respond(head, answer);
  }

  private respond(head: RequestHead, a: AdminAnswer): void {
    if (this.sock.destroyed) return;
    const close = head.close || this.ended;
    const connection = close ? 'close' : head.minor === 0 ? 'keep-alive' : undefined;
    this.sock.write(serialize(a, head.method === 'HEAD', connection, performance.now() - this.startedAt));
    this.busy = false;
    // a pipelined request already waiting starts now
    this.startedAt = performance.now();
    if (close) {
      this.sock.end();
      return;
    }
    this.sock.setTimeout(IDLE_TIMEOUT_MS);
    if (this.sock.isPaused()) this.sock.resume();
    this.parse();
  }

  /** Answer a request that cannot be read, then close: the rest of the stream cannot be trusted. */
  private fail(status: number, code: string, message: string): void {
    this.failed = true;
    this.busy = true;
    this.buf = null;
    this.sock.end(serialize(errorAnswer(status, code, message), false, 'close'));
  }
}

/**
 * The whole response as one string, so it leaves in one write (one packet for a switch).
 * `server-timing: admin;dur=MS` (W3C Server Timing) is the time from reading the request's first
 * bytes to writing this answer: the router's own share of a call's round trip.
 */
function serialize(
  a: AdminAnswer,
  headOnly: boolean,
  connection: string | undefined,
  durMs?: number,
): string {
  let s =
    `HTTP/1.1 ${a.status} ${http.STATUS_CODES[a.status] ?? ''}\r\ndate: ${httpDate()}\r\n` +
    `content-type: ${a.contentType}\r\ncontent-length: ${Buffer.byteLength(a.body)}\r\n`;
  if (durMs !== undefined) s += `server-timing: admin;dur=${durMs.toFixed(3)}\r\n`;
  if (a.status === 401) s += 'www-authenticate: Bearer\r\n';
  if (connection) s += `connection: ${connection}\r\n`;
  return `${s}\r\n${headOnly ? '' : a.body}`;
}
