import { describe, expect, it } from 'vitest';
import { logisticLogit, trainLogistic } from './logistic.js';
import type { SparseRows } from './sparse.js';

/** Row i has feature (i % 2) set: feature 1 means positive. */
function toy(n: number): { rows: SparseRows; y: Uint8Array } {
  const rowStart = Uint32Array.from({ length: n + 1 }, (_, i) => i);
  const indices = Uint32Array.from({ length: n }, (_, i) => i % 2);
  return {
    rows: { n, dim: 4, rowStart, indices, values: new Float32Array(n).fill(1) },
    y: Uint8Array.from(indices),
  };
}

describe('trainLogistic', () => {
  const opts = { epochs: 10, learningRate: 1, l2: 0, seed: 1 };

  it('learns a separable problem', () => {
    const { rows, y } = toy(40);
    const m = trainLogistic(rows, y, opts);
    for (let i = 0; i < rows.n; i++) expect(logisticLogit(m, rows, i) > 0).toBe(y[i] === 1);
    expect(m.weights[2]).toBe(0); // never seen, never moved
  });

  it('is deterministic for a seed', () => {
    const { rows, y } = toy(40);
    expect(trainLogistic(rows, y, opts)).toEqual(trainLogistic(rows, y, opts));
  });

  it('follows soft targets', () => {
    const { rows } = toy(40);
    const m = trainLogistic(rows, new Float64Array(40).fill(0.8), { ...opts, epochs: 60 });
    const p = 1 / (1 + Math.exp(-logisticLogit(m, rows, 0)));
    expect(p).toBeGreaterThan(0.7);
    expect(p).toBeLessThan(0.9);
  });
});
