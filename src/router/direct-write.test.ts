import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { writeLatin1 } from './direct-write.js';

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

describe('writeLatin1', () => {
  it('writes small strings at once and keeps order with stream writes and end()', async () => {
    const { client, server } = await pair();
    let drained = 0;
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
    let drained = 0;
    const ok = writeLatin1(client, big, () => drained++);
    expect(ok).toBe(false);
    expect(drained).toBe(0);
    // a later write queues behind the pending bytes, never ahead of them
    writeLatin1(client, 'tail', () => drained++);
    client.end();
    const text = await readAll(server);
    expect(text.length).toBe(big.length + 4);
    expect(text.endsWith('xtail')).toBe(true);
    expect(drained).toBeGreaterThanOrEqual(1);
  });

  it('keeps order and reports each drain when several writes in a row have to wait', async () => {
    const { client, server } = await pair();
    // each write that waits keeps its own request object: a reused one would be handed to a second
    // pending write while the first still owns it
    const parts = ['a', 'b', 'c', 'd'].map((c) => c.repeat(8 * 1024 * 1024));
    let drained = 0;
    const results = parts.map((p) => writeLatin1(client, p, () => drained++));
    // the kernel may take the first whole; the later ones wait behind it
    expect(results.filter((ok) => !ok).length).toBeGreaterThanOrEqual(3);
    expect(writeLatin1(client, 'end', () => drained++)).toBe(false); // queued behind the rest
    client.end();
    const text = await readAll(server);
    expect(text.length).toBe(4 * 8 * 1024 * 1024 + 3);
    expect(text === `${parts.join('')}end`).toBe(true);
    expect(drained).toBe(results.filter((ok) => !ok).length + 1);
    // and once the queue is empty, writes are taken whole again
    const again = await pair();
    expect(writeLatin1(again.client, 'small', () => drained++)).toBe(true);
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
