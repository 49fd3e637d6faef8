import { describe, expect, it } from 'vitest';
import { type PairInput, PairRing } from './pair-ring.js';

function input(i: number, body = `{"i":${i}}`): PairInput {
  return {
    requestId: `req-${i}`,
    time: 1_700_000_000_000 + i,
    method: 'POST',
    path: `/predict?i=${i}`,
    // split in two parts: the ring joins them
    requestBody: [Buffer.from(body.slice(0, 2)), Buffer.from(body.slice(2))],
    primary: {
      color: 'blue',
      status: 200,
      body: [Buffer.from('{"label":"ham"}')],
      latencyMs: 1.25,
      version: 'v1',
    },
    shadow: {
      color: 'green',
      status: 200,
      body: [Buffer.from('{"label":"spam"}')],
      latencyMs: 2.5,
      version: 'v2',
    },
  };
}

describe('PairRing', () => {
  it('gives back what was recorded, bodies decoded as UTF-8 even when split mid-character', () => {
    const ring = new PairRing(4, 4096);
    const euro = Buffer.from('{"t":"€uro"}');
    const seq = ring.push({
      ...input(1, 'héllo'),
      shadow: {
        color: 'green',
        status: 0,
        body: [euro.subarray(0, 7), euro.subarray(7)],
        latencyMs: 5000.5,
        error: 'timeout',
      },
    });
    expect(seq).toBe(1);
    expect(ring.since(0, 10)).toEqual([
      {
        seq: 1,
        requestId: 'req-1',
        time: 1_700_000_000_001,
        method: 'POST',
        path: '/predict?i=1',
        requestBody: 'héllo',
        primary: { color: 'blue', status: 200, body: '{"label":"ham"}', latencyMs: 1.25, version: 'v1' },
        shadow: {
          color: 'green',
          status: 0,
          body: '{"t":"€uro"}',
          latencyMs: 5000.5,
          version: undefined,
          error: 'timeout',
        },
      },
    ]);
    ring.push(input(2));
    expect(ring.get(2).shadow).not.toHaveProperty('error');
    expect(ring.get(2).shadow.version).toBe('v2');
  });

  it('keeps the newest `capacity` pairs and counts the ones evicted unread', () => {
    const ring = new PairRing(3, 1 << 20);
    for (let i = 1; i <= 5; i++) ring.push(input(i));
    expect(ring.since(0, 100).map((p) => p.requestId)).toEqual(['req-3', 'req-4', 'req-5']);
    expect(ring.evicted).toBe(2);
    expect(ring.next).toBe(6);
    // read up to 5: evicting what was read is not counted
    ring.push(input(6));
    expect(ring.evicted).toBe(2);
    expect(ring.since(4, 1).map((p) => p.seq)).toEqual([5]);
  });

  it('evicts the oldest pairs when their bytes are needed, across wrap-arounds, never corrupting the rest', () => {
    const big = 'x'.repeat(300);
    const ring = new PairRing(1000, 2048);
    for (let i = 1; i <= 40; i++) {
      ring.push(input(i, `${i}:${big}`));
      const held = ring.since(0, 1000);
      // every pair still held decodes to what was recorded, and they are the newest, in order
      expect(held.length).toBeGreaterThan(0);
      expect(held.at(-1)!.seq).toBe(i);
      for (const p of held) expect(p.requestBody).toBe(`${p.seq}:${big}`);
      expect(held.map((p) => p.seq)).toEqual(held.map((_, k) => i - held.length + 1 + k));
    }
    // ~400 bytes a pair in 2 KiB: a handful are held, the rest were evicted
    expect(ring.since(0, 1000).length).toBeLessThan(6);
  });

  it('refuses a pair larger than the whole ring', () => {
    const ring = new PairRing(10, 256);
    expect(() => ring.push(input(1, 'y'.repeat(300)))).toThrow(RangeError);
    expect(ring.since(0, 10)).toEqual([]);
  });
});
