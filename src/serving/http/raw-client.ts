import { connect, type Socket } from 'node:net';

/** One response as read off the wire. */
export interface RawResponse {
  status: number;
  /** Lower-cased field names. */
  headers: Record<string, string>;
  body: string;
}

/**
 * Split bytes received from a server into complete responses (interim 1xx included); stops at the
 * first incomplete one. Bodies are framed by Content-Length, which is all the model server sends.
 */
export function parseResponses(data: string, headRequests = 0): RawResponse[] {
  const out: RawResponse[] = [];
  let pos = 0;
  let heads = headRequests;
  for (;;) {
    const end = data.indexOf('\r\n\r\n', pos);
    if (end < 0) return out;
    const lines = data.slice(pos, end).split('\r\n');
    const status = Number(lines[0].split(' ')[1]);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    const interim = status >= 100 && status < 200;
    const length = interim || (heads > 0 && status >= 200) ? 0 : Number(headers['content-length'] ?? 0);
    if (heads > 0 && !interim) heads--;
    if (data.length < end + 4 + length) return out;
    out.push({ status, headers, body: data.slice(end + 4, end + 4 + length) });
    pos = end + 4 + length;
  }
}

/**
 * A raw TCP client for HTTP framing tests: write exact bytes, read what comes back. `closed`
 * resolves when the server closes the connection.
 */
export function rawClient(port: number): Promise<{
  socket: Socket;
  write(data: string | Buffer): void;
  /** Everything received so far (latin1). */
  received(): string;
  /** Resolves once `count` complete responses have arrived (or the connection closed first). */
  responses(count: number, headRequests?: number): Promise<RawResponse[]>;
  closed: Promise<void>;
}> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    let isClosed = false;
    const waiters = new Set<() => void>();
    const closed = new Promise<void>((r) => socket.on('close', () => r()));
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString('latin1');
      for (const w of waiters) w();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      isClosed = true;
      for (const w of waiters) w();
    });
    socket.once('connect', () =>
      resolve({
        socket,
        write: (d) => socket.write(d),
        received: () => data,
        responses: (count, headRequests = 0) =>
          new Promise((done) => {
            const check = () => {
              const parsed = parseResponses(data, headRequests);
              if (parsed.length >= count || isClosed) {
                waiters.delete(check);
                done(parsed);
              }
            };
            waiters.add(check);
            check();
          }),
        closed,
      }),
    );
    socket.once('error', reject);
  });
}
