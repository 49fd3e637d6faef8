import { describe, expect, it } from 'vitest';
import { answer, pair } from '../gates/testing-pairs.js';
import { createPairBuffer } from './buffer.js';

function counted(n: number) {
  const state = { pulled: 0, returned: false };
  async function* gen() {
    try {
      for (let i = 0; i < n; i++) {
        state.pulled++;
        yield pair(i, answer('a', 1), answer('a', 1));
      }
    } finally {
      state.returned = true;
    }
  }
  return { gen: gen(), state };
}

describe('pair buffer', () => {
  it('replays buffered pairs to a second reader and tops up on fill, never past the cap', async () => {
    const src = counted(100);
    const buf = createPairBuffer(src.gen, 10);
    const first: string[] = [];
    for await (const p of buf.iterate()) {
      first.push(p.id);
      if (first.length === 3) break;
    }
    expect(src.state.pulled).toBe(3);
    const all = await buf.fill(50);
    expect(all.map((p) => p.id)).toEqual(Array.from({ length: 10 }, (_, i) => `p${i}`));
    expect(src.state.pulled).toBe(10);
    expect(buf.exhausted).toBe(true);
    const again: string[] = [];
    for await (const p of buf.iterate()) again.push(p.id);
    expect(again).toHaveLength(10);
    await buf.close();
    expect(src.state.returned).toBe(true);
  });

  it('ends when the source ends', async () => {
    const buf = createPairBuffer(counted(2).gen, 10);
    expect(await buf.fill(5)).toHaveLength(2);
    expect(buf.exhausted).toBe(true);
  });
});
