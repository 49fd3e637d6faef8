import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type AdoptClientSocket, createClientSocketAdopter, readsIntoBuffer } from './client-socket.js';
import { type NodeInternals, nodeInternals, PUBLIC_ONLY } from './node-internals.js';

const servers: net.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** An echo server whose connections are adopted; reports the adopted sockets. */
async function echoServer(
  adoptClientSocket: AdoptClientSocket,
  readBuffer: Buffer,
): Promise<{ port: number; adopted: net.Socket[]; server: net.Server }> {
  const adopted: net.Socket[] = [];
  const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, (raw) => {
    const socket: net.Socket = adoptClientSocket(raw, readBuffer, (chunk) => {
      // keep the chunk past the callback: a shared buffer reused under us would corrupt it
      setImmediate(() => socket.write(chunk));
    });
    socket.on('end', () => socket.end());
    adopted.push(socket);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, adopted, server };
}

function roundTrip(port: number, messages: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = net.connect(port, '127.0.0.1');
    let got = '';
    const want = messages.join('').length;
    c.on('data', (d) => {
      got += d.toString('latin1');
      if (got.length >= want) c.end();
    });
    c.on('close', () => resolve(got));
    c.on('error', reject);
    c.on('connect', () => {
      for (const m of messages) c.write(m);
    });
  });
}

/** The same behaviour with this Node's internals and with public APIs only ('data' events). */
const paths: [string, NodeInternals][] = [
  ['detected internals', nodeInternals],
  ['public APIs only', PUBLIC_ONLY],
];

describe.each(paths)('adoptClientSocket (%s)', (_name, internals) => {
  const adoptClientSocket = createClientSocketAdopter(internals);
  const fast = internals !== PUBLIC_ONLY;

  it('reads through the shared buffer and hands each connection its own bytes', async () => {
    const shared = Buffer.alloc(16); // small: every message spans several reads of the same memory
    const { port, adopted } = await echoServer(adoptClientSocket, shared);
    const messages = (tag: string) =>
      Array.from({ length: 20 }, (_, i) => `${tag}-${i}-${'x'.repeat(i * 7)};`);
    const [a, b, c] = await Promise.all([
      roundTrip(port, messages('alpha')),
      roundTrip(port, messages('beta')),
      roundTrip(port, messages('gamma')),
    ]);
    expect(a).toBe(messages('alpha').join(''));
    expect(b).toBe(messages('beta').join(''));
    expect(c).toBe(messages('gamma').join(''));
    expect(adopted).toHaveLength(3);
    expect(adopted.map((s) => readsIntoBuffer(s))).toEqual([fast, fast, fast]);
  });

  it('keeps the server connection count: close() waits for adopted connections', async () => {
    const { port, adopted, server } = await echoServer(adoptClientSocket, Buffer.alloc(1024));
    const client = net.connect(port, '127.0.0.1');
    await new Promise((r) => client.on('connect', r));
    await new Promise((r) => setTimeout(r, 20));
    let closed = false;
    const done = new Promise<void>((r) =>
      server.close(() => {
        closed = true;
        r();
      }),
    );
    servers.length = 0;
    await new Promise((r) => setTimeout(r, 50));
    expect(closed).toBe(false); // the adopted connection is still open
    adopted[0].destroy();
    client.destroy();
    await done;
    expect(closed).toBe(true);
  });

  it('falls back to data events for a socket that is already flowing', async () => {
    const got: string[] = [];
    const server = net.createServer((raw) => {
      raw.resume(); // flowing before adoption: adopting its handle could lose bytes
      const s = adoptClientSocket(raw, Buffer.alloc(64), (chunk) => got.push(chunk.toString()));
      expect(s).toBe(raw);
      expect(readsIntoBuffer(s)).toBe(false);
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const c = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    c.end('hello');
    await new Promise((r) => c.on('close', r));
    await new Promise((r) => setTimeout(r, 20));
    expect(got.join('')).toBe('hello');
  });
});
