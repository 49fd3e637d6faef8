import type { OrtType, TensorData } from './datatypes.js';

/** One tensor on its way to or from ONNX Runtime: plain data, so it can cross to the inference thread. */
export interface Feed {
  type: OrtType;
  data: TensorData;
  dims: number[];
}

/** Tensors by name: a model's inputs for one run, or its outputs. */
export type Feeds = Record<string, Feed>;

/** The number of elements of a shape (1 for a scalar). */
export function elementCount(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}
