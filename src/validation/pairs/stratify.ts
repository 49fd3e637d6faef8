import { createHash } from 'node:crypto';
import type { Sample } from './samples-file.js';

/** A seeded number in [0, 1) for a string: the same for the same seed and text, wherever it sits in the file. */
function unit(seed: number, text: string): number {
  return createHash('sha256').update(`${seed}\0${text}`).digest().readUInt32BE(0) / 2 ** 32;
}

/**
 * The order in which samples are replayed: stratified by slice and interleaved in proportion, so
 * that after any n pairs each slice holds about n × its share of the file (a 4% slice is sampled
 * from the first 25 pairs on, not after every other row). Within a slice the order is a seeded hash
 * of each sample's content, so the order — and therefore the verdict — depends on which samples
 * the file holds and on the seed, never on the order of its rows (exports sorted by segment are
 * normal). Samples without a slice form one stratum of their own.
 *
 * Interleaving: the j-th of a slice's N samples gets the position (j + u)/N with u a seeded offset
 * in [0, 1) per slice, and all samples are sorted by position (systematic sampling per stratum).
 * Returns indices into `samples`.
 */
export function stratifiedOrder(samples: readonly Sample[], seed: number): number[] {
  const strata = new Map<string, number[]>();
  samples.forEach((s, i) => {
    const key = s.slice ?? '';
    const list = strata.get(key) ?? [];
    list.push(i);
    strata.set(key, list);
  });
  const placed: { index: number; at: number; slice: string; tie: string }[] = [];
  for (const [slice, indices] of strata) {
    // Identical lines are interchangeable; the full content breaks ties between equal hashes.
    const keyed = indices.map((index) => {
      const tie = JSON.stringify(samples[index]);
      return { index, h: unit(seed, tie), tie };
    });
    keyed.sort((a, b) => a.h - b.h || (a.tie < b.tie ? -1 : a.tie > b.tie ? 1 : 0));
    const u = unit(seed, `slice\0${slice}`);
    keyed.forEach((k, j) => {
      placed.push({ index: k.index, at: (j + u) / keyed.length, slice, tie: k.tie });
    });
  }
  placed.sort(
    (a, b) =>
      a.at - b.at ||
      (a.slice < b.slice ? -1 : a.slice > b.slice ? 1 : 0) ||
      (a.tie < b.tie ? -1 : a.tie > b.tie ? 1 : 0),
  );
  return placed.map((p) => p.index);
}

/** Each slice's number of samples (the declared slices, with their share of the file). */
export function sliceCounts(samples: readonly Sample[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of samples) if (s.slice !== undefined) counts.set(s.slice, (counts.get(s.slice) ?? 0) + 1);
  return counts;
}
