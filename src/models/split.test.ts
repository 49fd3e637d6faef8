import { describe, expect, it } from 'vitest';
import type { Email } from './corpus.js';
import { checksumBucket, isHeldOut, splitCorpus } from './split.js';

const email = (checksum: string): Email => ({
  id: checksum,
  group: 'easy-ham-1',
  checksum,
  label: 'ham',
  slice: 'plain',
  text: checksum,
});

describe('splitCorpus', () => {
  const emails = Array.from({ length: 2000 }, (_, i) => email(`${i.toString(16).padStart(8, '0')}cafe`));

  it('holds out about one in five, stably, and partitions the input', () => {
    const { pool, heldOut } = splitCorpus(emails);
    expect(pool.length + heldOut.length).toBe(emails.length);
    expect(heldOut.length / emails.length).toBeGreaterThan(0.15);
    expect(heldOut.length / emails.length).toBeLessThan(0.25);
    expect(heldOut.every(isHeldOut)).toBe(true);
    expect(pool.some(isHeldOut)).toBe(false);
    expect(splitCorpus(emails).heldOut).toEqual(heldOut);
  });

  it('buckets by checksum and salt', () => {
    const e = email('0123abcd');
    expect(checksumBucket(e, 'x', 10)).toBe(checksumBucket(e, 'x', 10));
    const salts = new Set(Array.from({ length: 20 }, (_, i) => checksumBucket(e, `s${i}`, 10)));
    expect(salts.size).toBeGreaterThan(3);
  });
});
