import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLatin1Writer } from './direct-write.js';
import { type NodeInternals, nodeInternals, PUBLIC_ONLY } from './node-internals.js';

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup.splice(0)) f();
});

/** A connected pair: `client` writes, `server` is the peer socket (paused until read). */
async function pair(): Promise<{ client: net.Socket; server: net.Socket }> {
  let accepted!: (s: net.Socket) => void;
  const got = new Promise<net.Socket>((r) => {
    accepted = r;
  });
  const srv = net.createServer({ pauseOnConnect: true }, accepted);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const client = net.connect((srv.address() as net.AddressInfo).port, '127.0.0.1');
  await new Promise((r) => client.on('connect', r));
  const server = await got;
  cleanup.push(() => {
    client.destroy();
    server.destroy();
    srv.close();
  });
  return { client, server };
}

/** Counts drain notifications; `reached(n)` waits for the n-th. */
function counter() {
  const waiting: { n: number; resolve: () => void }[] = [];
  const c = {
    count: 0,
    add: () => {
      c.count++;
      for (const w of waiting.filter((x) => c.count >= x.n)) w.resolve();
    },
    reached: (n: number) =>
      c.count >= n ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ n, resolve })),
  };
  return c;
}

function readAll(s: net.Socket): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    s.setEncoding('latin1');
    s.on('data', (d: string) => {
      out += d;
    });
    s.on('end', () => resolve(out));
    s.resume();
  });
}

/**
 * The same behaviour on every path: this Node's internals (stream_wrap below _writeGeneric), a Node
 * with _writeGeneric but no binding, and public APIs only (`socket.write`). On the public path the
 * caller's 'drain' listener (every caller has one, as here) is what tells it to go on.
 */
const paths: [string, NodeInternals][] = [
  ['detected internals', nodeInternals],
  ['_writeGeneric without the binding', { ...nodeInternals, streamWrap: undefined }],
  ['public APIs only', PUBLIC_ONLY],
];

describe.each(paths)('writeLatin1 (%s)', (name, internals) => {
  const writeLatin1 = createLatin1Writer(internals);
  const publicOnly = internals === PUBLIC_ONLY;

  it('goes through socket.write only when it must', async () => {
    const { client, server } = await pair();
    let streamWrites = 0;
    const write = client.write.bind(client);
    client.write = ((...a: Parameters<typeof write>) => {
      streamWrites++;
      return write(...a);
    }) as typeof client.write;
    expect(writeLatin1(client, 'one', () => {})).toBe(true);
    client.end();
    expect(await readAll(server)).toBe('one');
    expect(streamWrites, name).toBe(publicOnly ? 1 : 0);
  });

  it('writes small strings at once and keeps order with stream writes and end()', async () => {
    const { client, server } = await pair();
    let drained = 0;
    client.on('drain', () => drained++);
    expect(writeLatin1(client, 'one,', () => drained++)).toBe(true);
    client.write('two,', 'latin1');
    // something is queued in the stream now: this one must go through it, after "two,"
    writeLatin1(client, 'three,', () => drained++);
    expect(writeLatin1(client, 'four\u00e9', () => drained++)).toBe(true);
    client.end();
    expect(await readAll(server)).toBe('one,two,three,four\u00e9');
    expect(drained).toBe(0);
  });

  it('reports a write the kernel could not take and calls onDrain once it has left', async () => {
    const { client, server } = await pair();
    const big = 'x'.repeat(8 * 1024 * 1024); // more than loopback socket buffers hold
    const drains = counter();
    client.on('drain', drains.add);
    const ok = writeLatin1(client, big, drains.add);
    expect(ok).toBe(false);
    expect(drains.count).toBe(0);
    // a later write queues behind the pending bytes, never ahead of them
    writeLatin1(client, 'tail', drains.add);
    const text = readAll(server);
    // the caller is told to go on once everything has left (the stream says so only before end())
    await drains.reached(publicOnly ? 1 : 2);
    client.end();
    expect((await text).length).toBe(big.length + 4);
    expect((await text).endsWith('xtail')).toBe(true);
  });

  it('keeps order and reports each drain when several writes in a row have to wait', async () => {
    const { client, server } = await pair();
    // each write that waits keeps its own request object: a reused one would be handed to a second
    // pending write while the first still owns it
    const parts = ['a', 'b', 'c', 'd'].map((c) => c.repeat(8 * 1024 * 1024));
    const drains = counter();
    client.on('drain', drains.add);
    const results = parts.map((p) => writeLatin1(client, p, drains.add));
    // the kernel may take the first whole; the later ones wait behind it
    expect(results.filter((ok) => !ok).length).toBeGreaterThanOrEqual(3);
    expect(writeLatin1(client, 'end', drains.add)).toBe(false); // queued behind the rest
    const text = readAll(server);
    // below the stream each waiting write reports its own drain; the stream reports one for all
    await drains.reached(publicOnly ? 1 : results.filter((ok) => !ok).length + 1);
    client.end();
    expect((await text).length).toBe(4 * 8 * 1024 * 1024 + 3);
    expect((await text) === `${parts.join('')}end`).toBe(true);
    // and once the queue is empty, writes are taken whole again
    const again = await pair();
    expect(writeLatin1(again.client, 'small', drains.add)).toBe(true);
    again.client.end();
    expect(await readAll(again.server)).toBe('small');
  });

  it('falls back to socket.write while the stream is corked', async () => {
    const { client, server } = await pair();
    client.cork();
    writeLatin1(client, 'a', () => {});
    expect(client.writableLength).toBe(1); // went through the stream, waiting for uncork
    client.uncork();
    client.end();
    expect(await readAll(server)).toBe('a');
  });
});
