import { type FeatureConfig, featurize } from './features.js';

/** Featurized texts in compressed sparse rows: training touches only non-zero features. */
export interface SparseRows {
  n: number;
  dim: number;
  /** Row i's entries are rowStart[i] … rowStart[i+1]-1. */
  rowStart: Uint32Array;
  indices: Uint32Array;
  values: Float32Array;
}

/**
 * Featurize texts with the serving featurizer itself (so the trainer sees exactly what the server
 * will compute) and keep only the non-zero entries.
 */
export function toSparse(texts: string[], cfg: FeatureConfig): SparseRows {
  const rowStart = new Uint32Array(texts.length + 1);
  let indices = new Uint32Array(texts.length * 64);
  let values = new Float32Array(texts.length * 64);
  let nnz = 0;
  texts.forEach((text, i) => {
    const dense = featurize(text, cfg);
    for (let j = 0; j < dense.length; j++) {
      if (dense[j] === 0) continue;
      if (nnz === indices.length) {
        const grownI = new Uint32Array(nnz * 2);
        grownI.set(indices);
        indices = grownI;
        const grownV = new Float32Array(nnz * 2);
        grownV.set(values);
        values = grownV;
      }
      indices[nnz] = j;
      values[nnz] = dense[j];
      nnz++;
    }
    rowStart[i + 1] = nnz;
  });
  return {
    n: texts.length,
    dim: cfg.dim,
    rowStart,
    indices: indices.slice(0, nnz),
    values: values.slice(0, nnz),
  };
}

/** The rows at `which`, in that order, as their own SparseRows. */
export function selectRows(rows: SparseRows, which: number[]): SparseRows {
  let nnz = 0;
  for (const i of which) nnz += rows.rowStart[i + 1] - rows.rowStart[i];
  const rowStart = new Uint32Array(which.length + 1);
  const indices = new Uint32Array(nnz);
  const values = new Float32Array(nnz);
  let at = 0;
  which.forEach((i, r) => {
    const from = rows.rowStart[i];
    const to = rows.rowStart[i + 1];
    indices.set(rows.indices.subarray(from, to), at);
    values.set(rows.values.subarray(from, to), at);
    at += to - from;
    rowStart[r + 1] = at;
  });
  return { n: which.length, dim: rows.dim, rowStart, indices, values };
}
