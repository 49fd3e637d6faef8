/**
 * `npm run bench -- minimal-forwarder --port P --upstream U`: the least HTTP work a Node forwarder
 * can do, as a floor for the router benchmark (`npm run bench -- router --floor`). NOT a proxy.
 *
 * Each client connection gets its own upstream connection to 127.0.0.1:U. Both sides read
 * through `onread` into one shared buffer, like the router. Per read, it finds the blank line
 * that ends the head and inserts one field (`x-forwarded-for` upstream, `x-greenlight-color` back),
 * then writes the result as one latin1 string. It checks nothing, parses no field, routes
 * nothing, pools nothing and keeps no metrics. It assumes every read holds whole messages, which
 * is true of wrk's small requests and nginx's small responses on loopback, and of nothing in
 * general.
 *
 * Run side by side with nginx and the router, it shows how close Node's own I/O comes to nginx on
 * this machine, and so how much of the router's gap is its own HTTP work.
 */
import net from 'node:net';
import { parseArgs } from 'node:util';
import { adoptClientSocket } from '../src/router/client-socket.js';

const BLANK = Buffer.from('\r\n\r\n', 'latin1');

/** The read as a latin1 string with `field` inserted before the blank line that ends its head. */
function withField(buf: Buffer, n: number, field: string): string {
  const s = buf.toString('latin1', 0, n);
  const end = buf.indexOf(BLANK);
  if (end < 0 || end >= n) return s;
  return s.slice(0, end + 2) + field + s.slice(end + 2);
}

export function startMinimalForwarder(port: number, upstreamPort: number): Promise<net.Server> {
  const clientBuf = Buffer.allocUnsafe(64 * 1024);
  const upstreamBuf = Buffer.allocUnsafe(64 * 1024);
  const server = net.createServer({ pauseOnConnect: true }, (accepted) => {
    let client: net.Socket | undefined;
    const upstream = net.connect({
      host: '127.0.0.1',
      port: upstreamPort,
      noDelay: true,
      onread: {
        buffer: upstreamBuf,
        callback: (n: number) => {
          client?.write(withField(upstreamBuf, n, 'x-greenlight-color: blue\r\n'), 'latin1');
          return true;
        },
      },
    });
    // the accepted handle is re-wrapped with `onread`, as the router's connections are
    client = adoptClientSocket(
      accepted,
      clientBuf,
      (chunk) => upstream.write(withField(chunk, chunk.length, 'x-forwarded-for: 127.0.0.1\r\n'), 'latin1'),
      true,
    );
    client.on('end', () => client?.destroy()); // adopted sockets allow half-open; this one does not
    client.setNoDelay(true);
    client.resume();
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('error', () => client?.destroy());
    upstream.on('close', () => client?.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

export async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { port: { type: 'string' }, upstream: { type: 'string' } },
  });
  const port = Number(values.port);
  const upstream = Number(values.upstream);
  if (!Number.isInteger(port) || !Number.isInteger(upstream) || port <= 0 || upstream <= 0) {
    console.error(
      'usage: npm run bench -- minimal-forwarder --port P --upstream U (both TCP ports on 127.0.0.1)',
    );
    return 2;
  }
  await startMinimalForwarder(port, upstream);
  console.log(
    `minimal forwarder on 127.0.0.1:${port} -> 127.0.0.1:${upstream} (a floor for benchmarks, not a proxy)`,
  );
  // serve until killed
  await new Promise(() => {});
  return 0;
}
