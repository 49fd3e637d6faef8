import { describe, expect, it } from 'vitest';
import { createRandom, shuffledIndices } from '../../models/prng.js';
import type { Sample } from './samples-file.js';
import { sliceCounts, stratifiedOrder } from './stratify.js';

// 1,000 samples: a 4% slice "rare", 20% "html", the rest "plain"; listed sorted by slice.
const samples: Sample[] = [
  ...Array.from({ length: 760 }, (_, i) => ({ text: `plain ${i}`, slice: 'plain' })),
  ...Array.from({ length: 200 }, (_, i) => ({ text: `html ${i}`, slice: 'html' })),
  ...Array.from({ length: 40 }, (_, i) => ({ text: `rare ${i}`, slice: 'rare' })),
];

const texts = (s: readonly Sample[], order: number[]) => order.map((i) => s[i].text);

describe('stratifiedOrder', () => {
  it('is a permutation, and every prefix holds each slice in proportion (within one sample)', () => {
    const order = stratifiedOrder(samples, 1);
    expect([...order].sort((a, b) => a - b)).toEqual(samples.map((_, i) => i));
    const seen = new Map<string, number>();
    order.forEach((idx, k) => {
      const slice = samples[idx].slice as string;
      seen.set(slice, (seen.get(slice) ?? 0) + 1);
      const n = k + 1;
      for (const [name, share] of [
        ['plain', 0.76],
        ['html', 0.2],
        ['rare', 0.04],
      ] as const)
        expect(Math.abs((seen.get(name) ?? 0) - n * share)).toBeLessThanOrEqual(1.0001);
    });
    // the 4% slice is sampled from the first 25 pairs on
    expect(order.slice(0, 25).some((i) => samples[i].slice === 'rare')).toBe(true);
  });

  it('does not depend on the order of the file’s rows: reversed, shuffled, slice first — the same texts in the same order', () => {
    const expected = texts(samples, stratifiedOrder(samples, 7));
    const reversed = [...samples].reverse();
    const shuffled = [...shuffledIndices(samples.length, createRandom(3))].map((i) => samples[i]);
    const rareFirst = [...samples.slice(960), ...samples.slice(0, 960)];
    for (const s of [reversed, shuffled, rareFirst])
      expect(texts(s, stratifiedOrder(s, 7))).toEqual(expected);
  });

  it('the seed changes the order (repeated validations may use different seeds)', () => {
    expect(stratifiedOrder(samples, 1)).not.toEqual(stratifiedOrder(samples, 2));
  });

  it('samples without a slice form their own stratum; sliceCounts names only declared slices', () => {
    const mixed: Sample[] = [{ text: 'a' }, { text: 'b', slice: 'x' }, { text: 'c' }, { text: 'd' }];
    expect(stratifiedOrder(mixed, 1).sort()).toEqual([0, 1, 2, 3]);
    expect([...sliceCounts(mixed)]).toEqual([['x', 1]]);
  });
});
