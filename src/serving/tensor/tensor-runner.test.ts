import { describe, expect, it } from 'vitest';
import type { Feeds } from './feeds.js';
import type { TensorRequest } from './infer-request.js';
import { signatureOf } from './signature.js';
import type { TensorModel } from './tensor-model.js';
import { tensorRunner } from './tensor-runner.js';

/** A fake runtime: y = 2x row by row, and it records the rows of each run; x = -1 makes the run fail. */
function doubler(outputRows?: (rows: number) => number) {
  const runs: number[][] = [];
  const model: TensorModel = {
    signature: signatureOf(
      [{ name: 'x', isTensor: true, type: 'float32', shape: ['N', 2] }],
      [{ name: 'y', isTensor: true, type: 'float32', shape: ['N', 2] }],
    ),
    properties: {},
    classLabels: undefined,
    async run(feeds) {
      const x = feeds.x.data as Float32Array;
      runs.push(Array.from(x));
      if (x.includes(-1)) throw new Error('bad value -1');
      const rows = outputRows ? outputRows(feeds.x.dims[0]) : feeds.x.dims[0];
      return { y: { type: 'float32', data: x.map((v) => v * 2).slice(0, rows * 2), dims: [rows, 2] } };
    },
    release: async () => {},
  };
  return { model, runs };
}

const request = (values: number[], key = '2'): TensorRequest => ({
  id: undefined,
  feeds: { x: { type: 'float32', data: Float32Array.from(values), dims: [values.length / 2, 2] } },
  outputs: [],
  rows: values.length / 2,
  key,
});
const ys = (results: Array<Feeds | Error>) =>
  results.map((r) => (r instanceof Error ? r.message : Array.from(r.y.data as Float32Array)));

describe('tensorRunner', () => {
  it('runs requests of one shape as one merged run and splits the rows back in order', async () => {
    const { model, runs } = doubler();
    const rows: number[] = [];
    const results = await tensorRunner(model, (n) => rows.push(n))([request([1, 2]), request([3, 4, 5, 6])]);
    expect(ys(results)).toEqual([
      [2, 4],
      [6, 8, 10, 12],
    ]);
    expect(runs).toEqual([[1, 2, 3, 4, 5, 6]]);
    expect(rows).toEqual([3]);
  });

  it('never merges requests whose shapes differ beyond the batch dimension', async () => {
    const { model, runs } = doubler();
    await tensorRunner(model)([request([1, 2], 'a'), request([3, 4], 'b'), request([5, 6], 'a')]);
    expect(runs).toEqual([
      [1, 2, 5, 6],
      [3, 4],
    ]);
  });

  it('when a merged run fails, runs each request alone so only the bad one fails', async () => {
    const { model, runs } = doubler();
    const results = await tensorRunner(model)([request([1, 2]), request([-1, 0]), request([3, 4])]);
    expect(ys(results)).toEqual([[2, 4], 'bad value -1', [6, 8]]);
    expect(runs).toHaveLength(4);
  });

  it('when an output is not per-row after all, runs each request alone', async () => {
    const { model, runs } = doubler(() => 1); // one output row whatever the batch
    const results = await tensorRunner(model)([request([1, 2]), request([3, 4])]);
    expect(ys(results)).toEqual([
      [2, 4],
      [6, 8],
    ]);
    expect(runs).toEqual([
      [1, 2, 3, 4],
      [1, 2],
      [3, 4],
    ]);
  });
});
