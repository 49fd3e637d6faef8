import type { DenseLayer } from './onnx-export.js';
import { createRandom, shuffledIndices } from './prng.js';
import type { SparseRows } from './sparse.js';

export interface MlpOptions {
  hidden: number;
  epochs: number;
  learningRate: number;
  seed: number;
}

/**
 * A one-hidden-layer perceptron with two softmax outputs: input [dim] → ReLU [hidden] → [2].
 * W1 is row-major [dim, hidden], so the hidden pre-activation of a sparse row is a sum of the W1
 * rows of its non-zero features: training costs nnz×hidden per example, not dim×hidden.
 */
export interface MlpModel {
  dim: number;
  hidden: number;
  w1: Float32Array;
  b1: Float32Array;
  w2: Float32Array;
  b2: Float32Array;
}

function hiddenActivations(m: MlpModel, rows: SparseRows, i: number, h: Float32Array): void {
  h.set(m.b1);
  const H = m.hidden;
  for (let k = rows.rowStart[i]; k < rows.rowStart[i + 1]; k++) {
    const base = rows.indices[k] * H;
    const x = rows.values[k];
    for (let u = 0; u < H; u++) h[u] += x * m.w1[base + u];
  }
  for (let u = 0; u < H; u++) if (h[u] < 0) h[u] = 0;
}

/** P(class 1) for row i. */
export function mlpProbability(
  m: MlpModel,
  rows: SparseRows,
  i: number,
  scratch = new Float32Array(m.hidden),
): number {
  hiddenActivations(m, rows, i, scratch);
  let z0 = m.b2[0];
  let z1 = m.b2[1];
  for (let u = 0; u < m.hidden; u++) {
    z0 += scratch[u] * m.w2[u * 2];
    z1 += scratch[u] * m.w2[u * 2 + 1];
  }
  return 1 / (1 + Math.exp(z0 - z1));
}

function initialise(dim: number, opts: MlpOptions): MlpModel {
  const random = createRandom(opts.seed);
  // Rows are L2-normalised, so a row's pre-activation has the scale of one W1 row: unit-ish init.
  const w1 = new Float32Array(dim * opts.hidden);
  for (let j = 0; j < w1.length; j++) w1[j] = (random.next() * 2 - 1) * 0.5;
  const w2 = new Float32Array(opts.hidden * 2);
  const s2 = Math.sqrt(6 / (opts.hidden + 2));
  for (let j = 0; j < w2.length; j++) w2[j] = (random.next() * 2 - 1) * s2;
  return { dim, hidden: opts.hidden, w1, b1: new Float32Array(opts.hidden), w2, b2: new Float32Array(2) };
}

/** Train with plain SGD on the cross-entropy, seeded order, decaying rate: deterministic. */
export function trainMlp(rows: SparseRows, positive: ArrayLike<number>, opts: MlpOptions): MlpModel {
  const m = initialise(rows.dim, opts);
  const random = createRandom(opts.seed ^ 0x9e3779b9);
  const H = m.hidden;
  const h = new Float32Array(H);
  const dh = new Float32Array(H);
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    const rate = opts.learningRate / (1 + epoch);
    for (const i of shuffledIndices(rows.n, random)) {
      const p = mlpProbability(m, rows, i, h);
      const g = p - positive[i]; // dLoss/dz1 = g, dLoss/dz0 = -g
      for (let u = 0; u < H; u++) {
        dh[u] = h[u] > 0 ? g * (m.w2[u * 2 + 1] - m.w2[u * 2]) : 0;
        m.w2[u * 2] += rate * g * h[u];
        m.w2[u * 2 + 1] -= rate * g * h[u];
      }
      m.b2[0] += rate * g;
      m.b2[1] -= rate * g;
      for (let u = 0; u < H; u++) m.b1[u] -= rate * dh[u];
      for (let k = rows.rowStart[i]; k < rows.rowStart[i + 1]; k++) {
        const base = rows.indices[k] * H;
        const step = rate * rows.values[k];
        for (let u = 0; u < H; u++) m.w1[base + u] -= step * dh[u];
      }
    }
  }
  return m;
}

/** The MLP as ONNX dense layers. */
export function mlpLayers(m: MlpModel): DenseLayer[] {
  return [
    { inDim: m.dim, outDim: m.hidden, weights: m.w1, bias: m.b1, relu: true },
    { inDim: m.hidden, outDim: 2, weights: m.w2, bias: m.b2, relu: false },
  ];
}
