import { describe, expect, it } from 'vitest';
import { type FeatureConfig, featurize } from './features.js';
import type { SparseRows } from './sparse.js';
import { selectRows, toSparse } from './sparse.js';

const cfg: FeatureConfig = {
  scheme: 'hashed-words-v1',
  dim: 256,
  maxChars: 1000,
  bigrams: true,
  maxTokenLength: 30,
};
const texts = ['Win money now!!!', '', 'meeting at 10 tomorrow', `long ${'word '.repeat(200)}`];

function dense(rows: SparseRows, i: number): Float32Array {
  const out = new Float32Array(rows.dim);
  for (let k = rows.rowStart[i]; k < rows.rowStart[i + 1]; k++) out[rows.indices[k]] = rows.values[k];
  return out;
}

describe('toSparse', () => {
  it('holds exactly the non-zero entries of featurize() for each text', () => {
    const rows = toSparse(texts, cfg);
    expect(rows.n).toBe(texts.length);
    texts.forEach((t, i) => {
      expect(dense(rows, i)).toEqual(featurize(t, cfg));
    });
    expect(rows.rowStart[2] - rows.rowStart[1]).toBe(0); // the empty text
  });

  it('grows past its initial capacity', () => {
    const many = Array.from({ length: 3 }, (_, i) =>
      Array.from({ length: 150 }, (_, j) => `w${i}x${j}`).join(' '),
    );
    const rows = toSparse(many, { ...cfg, dim: 1 << 16, bigrams: false });
    many.forEach((t, i) => {
      expect(dense(rows, i)).toEqual(featurize(t, { ...cfg, dim: 1 << 16, bigrams: false }));
    });
  });
});

describe('selectRows', () => {
  it('picks rows in the given order', () => {
    const rows = toSparse(texts, cfg);
    const picked = selectRows(rows, [3, 0]);
    expect(picked.n).toBe(2);
    expect(dense(picked, 0)).toEqual(dense(rows, 3));
    expect(dense(picked, 1)).toEqual(dense(rows, 0));
  });
});
