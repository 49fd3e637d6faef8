import { describe, expect, it } from 'vitest';
import { mlpLayers, mlpProbability, trainMlp } from './mlp.js';
import type { SparseRows } from './sparse.js';

/** XOR over features 0 and 1 (plus a bias feature 2): not linearly separable. */
function xor(): { rows: SparseRows; y: Uint8Array } {
  const patterns = [[], [0], [1], [0, 1]];
  const labels = [0, 1, 1, 0];
  const indices: number[] = [];
  const rowStart = [0];
  const y: number[] = [];
  for (let r = 0; r < 200; r++) {
    const p = patterns[r % 4];
    indices.push(...p, 2);
    rowStart.push(indices.length);
    y.push(labels[r % 4]);
  }
  return {
    rows: {
      n: 200,
      dim: 4,
      rowStart: Uint32Array.from(rowStart),
      indices: Uint32Array.from(indices),
      values: new Float32Array(indices.length).fill(1),
    },
    y: Uint8Array.from(y),
  };
}

describe('trainMlp', () => {
  const opts = { hidden: 16, epochs: 60, learningRate: 0.2, seed: 4 };

  it('learns XOR, which a linear model cannot', () => {
    const { rows, y } = xor();
    const m = trainMlp(rows, y, opts);
    for (let i = 0; i < 4; i++) expect(mlpProbability(m, rows, i) > 0.5).toBe(y[i] === 1);
  });

  it('is deterministic and exports its two dense layers', () => {
    const { rows, y } = xor();
    const a = trainMlp(rows, y, { ...opts, epochs: 2 });
    expect(trainMlp(rows, y, { ...opts, epochs: 2 })).toEqual(a);
    const layers = mlpLayers(a);
    expect(layers.map((l) => [l.inDim, l.outDim, l.relu])).toEqual([
      [4, 16, true],
      [16, 2, false],
    ]);
  });
});
