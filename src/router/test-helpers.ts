import http from 'node:http';
import net from 'node:net';

/** Test helpers for the router's suites (real servers on port 0, loopback only). */

export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Upstream {
  url: string;
  port: number;
  seen: SeenRequest[];
  server: http.Server;
  close(): Promise<void>;
}

export type UpstreamHandler = (req: SeenRequest, res: http.ServerResponse) => void;

/** A tiny model-server stand-in answering `{"color", "version", "path", "body"}` with x-model-version. */
export async function startUpstream(
  color: string,
  version: string,
  handler?: UpstreamHandler,
): Promise<Upstream> {
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      const r = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(parts).toString(),
      };
      seen.push(r);
      res.setHeader('x-model-version', version);
      if (handler) return handler(r, res);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ color, version, path: r.url, body: r.body }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A port with nothing listening (bound then released). */
export async function deadPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One HTTP request through node:http (optionally on a keep-alive agent). */
export function send(
  url: string,
  opts: {
    method?: string;
    path?: string;
    headers?: http.OutgoingHttpHeaders;
    body?: string | Buffer;
    agent?: http.Agent;
  } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}${opts.path ?? '/'}`,
      {
        method: opts.method ?? (opts.body === undefined ? 'GET' : 'POST'),
        headers: opts.headers,
        agent: opts.agent,
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(parts).toString(),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Write raw bytes to `port` and collect everything until the server closes (or `waitMs` passes). */
export function rawExchange(port: number, bytes: string | Buffer, waitMs = 2000): Promise<string> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let out = '';
    const timer = setTimeout(() => {
      sock.destroy();
      resolve(out);
    }, waitMs);
    sock.on('data', (d) => {
      out += d.toString('latin1');
    });
    sock.on('error', () => {});
    sock.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
    sock.write(bytes);
  });
}

/** A raw TCP "upstream" whose behaviour per connection is scripted (garbage, resets, hangs). */
export async function startRawUpstream(
  onConnection: (s: net.Socket) => void,
): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    onConnection(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * A minimal raw keep-alive HTTP/1.1 client: one TCP connection, requests sent one after another.
 * Used to prove per-request routing on a connection opened before a switch.
 */
export class RawClient {
  private readonly sock: net.Socket;
  private buf = Buffer.alloc(0);
  private waiter: (() => void) | null = null;
  closed = false;

  constructor(port: number) {
    this.sock = net.connect(port, '127.0.0.1');
    this.sock.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.waiter?.();
    });
    this.sock.on('error', () => {});
    this.sock.on('close', () => {
      this.closed = true;
      this.waiter?.();
    });
  }

  async request(path: string, extra = ''): Promise<Reply> {
    this.sock.write(`GET ${path} HTTP/1.1\r\nhost: test\r\n${extra}\r\n`);
    return this.read();
  }

  /** Read one Content-Length-framed response. */
  async read(): Promise<Reply> {
    for (;;) {
      const end = this.buf.indexOf('\r\n\r\n');
      if (end >= 0) {
        const lines = this.buf.subarray(0, end).toString('latin1').split('\r\n');
        const headers: http.IncomingHttpHeaders = {};
        for (const l of lines.slice(1)) {
          const i = l.indexOf(':');
          headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
        }
        const len = Number(headers['content-length'] ?? 0);
        if (this.buf.length >= end + 4 + len) {
          const body = this.buf.subarray(end + 4, end + 4 + len).toString();
          this.buf = this.buf.subarray(end + 4 + len);
          return { status: Number(lines[0].split(' ')[1]), headers, body };
        }
      }
      if (this.closed) throw new Error(`connection closed; got ${JSON.stringify(this.buf.toString())}`);
      await new Promise<void>((r) => {
        this.waiter = r;
      });
      this.waiter = null;
    }
  }

  close(): void {
    this.sock.destroy();
  }
}

/**
 * An upstream that reads HTTP/1.1 the lax way many servers do: lines split on LF (a CR before it
 * optional), chunked bodies ended by the first empty line. It answers each request it reads with
 * its path, and records the request lines, so a test can show what a smuggled byte sequence
 * becomes behind the router. Sockets count the connections it accepted.
 */
export async function startLaxUpstream(): Promise<{
  url: string;
  port: number;
  requestLines: string[];
  connections: () => number;
  close(): Promise<void>;
}> {
  const requestLines: string[] = [];
  let connections = 0;
  const upstream = await startRawUpstream((s) => {
    connections++;
    let text = '';
    s.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      for (;;) {
        const read = laxRequest(text);
        if (!read) return;
        text = text.slice(read.used);
        requestLines.push(read.line);
        const path = read.line.split(' ')[1] ?? '';
        s.write(`HTTP/1.1 200 OK\r\ncontent-length: ${path.length}\r\n\r\n${path}`);
      }
    });
  });
  const port = Number(new URL(upstream.url).port);
  return { url: upstream.url, port, requestLines, connections: () => connections, close: upstream.close };
}

/** Lines of `text` split the lax way: on LF, a CR before it dropped. */
class LaxLines {
  pos = 0;
  constructor(readonly text: string) {}
  next(): string | undefined {
    const lf = this.text.indexOf('\n', this.pos);
    if (lf < 0) return undefined;
    const line = this.text.slice(this.pos, lf).replace(/\r$/, '');
    this.pos = lf + 1;
    return line;
  }
  /** Skip `n` characters; false when they have not all arrived. */
  skip(n: number): boolean {
    if (this.text.length < this.pos + n) return false;
    this.pos += n;
    return true;
  }
}

/** One request read the lax way from the start of `text`: its request line and the characters used. */
function laxRequest(text: string): { line: string; used: number } | undefined {
  const lines = new LaxLines(text);
  const line = lines.next();
  if (line === undefined) return undefined;
  const fields: Record<string, string> = {};
  for (let f = lines.next(); f !== ''; f = lines.next()) {
    if (f === undefined) return undefined;
    const colon = f.indexOf(':');
    fields[f.slice(0, colon).trim().toLowerCase()] = f.slice(colon + 1).trim();
  }
  const chunked = /chunked/i.test(fields['transfer-encoding'] ?? '');
  const whole = chunked ? laxChunked(lines) : lines.skip(Number(fields['content-length'] ?? 0));
  return whole ? { line, used: lines.pos } : undefined;
}

/** A chunked body, ended (lax) by a size that is 0 or not a number, then by the first empty line. */
function laxChunked(lines: LaxLines): boolean {
  for (;;) {
    const size = lines.next();
    if (size === undefined) return false;
    const n = Number.parseInt(size, 16);
    if (n === 0 || Number.isNaN(n)) break;
    if (!lines.skip(n) || lines.next() === undefined) return false;
  }
  for (let t = lines.next(); t !== ''; t = lines.next()) if (t === undefined) return false;
  return true;
}
