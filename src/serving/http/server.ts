import { type AddressInfo, createServer, type Server } from 'node:net';
import { Connection, type ConnectionOptions } from './connection.js';
import type { HttpHandler } from './request.js';

export interface HttpServerOptions {
  handler: HttpHandler;
  /** Largest request body in bytes. */
  bodyLimit: number;
  /** Field lines every response carries, each ending in CRLF. */
  fixedFields: string;
  /** Largest request head; larger gets 431. Default 16 KiB (node:http's). */
  maxHeadBytes?: number;
  /** Most requests read ahead of their answers on one connection. Default 64. */
  maxPipelined?: number;
  /** A request head must arrive within this. Default 60 s (node:http's). */
  headersTimeoutMs?: number;
  /** A whole request must arrive within this. Default 300 s (node:http's). */
  requestTimeoutMs?: number;
  /** An idle keep-alive connection is closed after this. Default 5 s (node:http's). */
  keepAliveTimeoutMs?: number;
}

export interface HttpServer {
  /** Listen; resolves with the port. Errors are node's (`EADDRINUSE` …). */
  listen(port: number, host: string): Promise<number>;
  /**
   * Start draining: every answer from now on says `Connection: close` and ends its connection.
   * Still accepts and keeps idle connections (a load balancer may not have noticed yet).
   */
  drain(): void;
  /**
   * Drain, stop listening, end idle connections, and wait for every connection to end (busy ones
   * end after their last answer); those still open after `timeoutMs` are cut.
   */
  close(timeoutMs: number): Promise<void>;
  /** Open connections (tests). */
  connections(): number;
}

/**
 * A lean HTTP/1.1 server over node:net for the model server's few endpoints. node:http builds an
 * IncomingMessage, a ServerResponse, header objects and streams for every request; on a loaded
 * 2-core host that object layer cost as much CPU as the model itself. Here a request is one small
 * object, its body one Buffer and its answer one string written in one call (see connection.ts).
 */
export function createHttpServer(opts: HttpServerOptions): HttpServer {
  let draining = false;
  const conns = new Set<Connection>();
  let whenEmpty: (() => void) | undefined;
  const connOptions: ConnectionOptions = {
    handler: opts.handler,
    bodyLimit: opts.bodyLimit,
    maxHeadBytes: opts.maxHeadBytes ?? 16 * 1024,
    maxPipelined: opts.maxPipelined ?? 64,
    fixedFields: opts.fixedFields,
    draining: () => draining,
  };
  const timeouts = {
    headersMs: opts.headersTimeoutMs ?? 60_000,
    requestMs: opts.requestTimeoutMs ?? 300_000,
    keepAliveMs: opts.keepAliveTimeoutMs ?? 5_000,
  };
  // clients read through onread into one shared buffer, hence pauseOnConnect (see Connection)
  const readBuffer = Buffer.allocUnsafe(64 * 1024);
  const server: Server = createServer({ allowHalfOpen: true, noDelay: true, pauseOnConnect: true }, (raw) => {
    const conn = new Connection(raw, connOptions, readBuffer);
    conns.add(conn);
    conn.socket.on('close', () => {
      conns.delete(conn);
      if (conns.size === 0) whenEmpty?.();
    });
  });
  // One sweep for every connection instead of a timer per request; a quarter of the shortest
  // timeout bounds how late a timeout is enforced.
  const period = Math.max(
    10,
    Math.min(1000, Math.min(timeouts.headersMs, timeouts.requestMs, timeouts.keepAliveMs) / 4),
  );
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const conn of conns) conn.checkTimeouts(now, timeouts);
  }, period);
  sweep.unref();
  server.on('close', () => clearInterval(sweep));

  return {
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      }),
    drain() {
      draining = true;
    },
    close(timeoutMs) {
      draining = true;
      return new Promise((resolve) => {
        const deadline = setTimeout(() => {
          for (const conn of conns) conn.socket.destroy();
        }, timeoutMs);
        const done = () => {
          clearTimeout(deadline);
          resolve();
        };
        // node's count of connections can reach 0 before our last 'close' listener has run
        server.close(() => {
          if (conns.size === 0) done();
          else whenEmpty = done;
        });
        for (const conn of conns) conn.drain();
      });
    },
    connections: () => conns.size,
  };
}
