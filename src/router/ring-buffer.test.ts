import { describe, expect, it } from 'vitest';
import { RingBuffer } from './ring-buffer.js';

describe('RingBuffer', () => {
  it('keeps the newest items, pages by sequence, and counts only unread evictions', () => {
    const rb = new RingBuffer<{ seq: number }>(3);
    for (let i = 0; i < 3; i++) rb.push((seq) => ({ seq }));
    expect(rb.since(0, 2).map((x) => x.seq)).toEqual([1, 2]);
    rb.push((seq) => ({ seq }));
    rb.push((seq) => ({ seq }));
    // 1 and 2 had been read: evicting them loses nothing
    expect(rb.evicted).toBe(0);
    rb.push((seq) => ({ seq }));
    expect(rb.evicted).toBe(1);
    expect(rb.since(0, 10).map((x) => x.seq)).toEqual([4, 5, 6]);
    expect(rb.since(5, 10).map((x) => x.seq)).toEqual([6]);
    expect(rb.since(6, 10)).toEqual([]);
    expect(rb.next).toBe(7);
  });

  it('rejects a capacity below one', () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
  });
});
