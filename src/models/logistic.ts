import { createRandom, shuffledIndices } from './prng.js';
import type { SparseRows } from './sparse.js';

export interface LogisticOptions {
  epochs: number;
  learningRate: number;
  /** L2 penalty, applied to the weights an example touches (the usual lazy approximation). */
  l2: number;
  seed: number;
}

/** A binary logistic regression: P(positive) = sigmoid(w·x + bias). */
export interface LogisticModel {
  weights: Float64Array;
  bias: number;
}

/** The positive-class logit of row i. */
export function logisticLogit(model: LogisticModel, rows: SparseRows, i: number): number {
  let z = model.bias;
  for (let k = rows.rowStart[i]; k < rows.rowStart[i + 1]; k++)
    z += model.weights[rows.indices[k]] * rows.values[k];
  return z;
}

/**
 * Train on targets in [0, 1] (hard labels, or soft ones such as an anchor model's probabilities)
 * by stochastic gradient descent on the log loss, visiting examples in a seeded shuffled
 * order each epoch (deterministic), with a learning rate that decays per epoch.
 */
export function trainLogistic(
  rows: SparseRows,
  positive: ArrayLike<number>,
  opts: LogisticOptions,
): LogisticModel {
  const model: LogisticModel = { weights: new Float64Array(rows.dim), bias: 0 };
  const random = createRandom(opts.seed);
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    const rate = opts.learningRate / (1 + epoch * 0.5);
    for (const i of shuffledIndices(rows.n, random)) {
      const p = 1 / (1 + Math.exp(-logisticLogit(model, rows, i)));
      const g = p - positive[i];
      for (let k = rows.rowStart[i]; k < rows.rowStart[i + 1]; k++) {
        const j = rows.indices[k];
        model.weights[j] -= rate * (g * rows.values[k] + opts.l2 * model.weights[j]);
      }
      model.bias -= rate * g;
    }
  }
  return model;
}
