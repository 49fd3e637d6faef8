import { describe, expect, it } from 'vitest';
import { createRandom, shuffledIndices } from './prng.js';

describe('createRandom', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const a = createRandom(7);
    const b = createRandom(7);
    const c = createRandom(8);
    const sa = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(sa);
  });

  it('stays in [0, 1) and is roughly uniform', () => {
    const r = createRandom(1);
    let sum = 0;
    for (let i = 0; i < 10000; i++) {
      const x = r.next();
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
    }
    expect(sum / 10000).toBeGreaterThan(0.48);
    expect(sum / 10000).toBeLessThan(0.52);
  });
});

describe('shuffledIndices', () => {
  it('is a permutation, deterministic for a seed', () => {
    const s = shuffledIndices(100, createRandom(3));
    expect([...s].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(shuffledIndices(100, createRandom(3))).toEqual(s);
    expect([...s]).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});
