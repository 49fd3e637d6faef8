import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { FeatureConfig } from './features.js';
import { encodeModel, INPUT_NAME, OUTPUT_NAME } from './onnx-export.js';

const features: FeatureConfig = {
  scheme: 'hashed-words-v1',
  dim: 4,
  maxChars: 100,
  bigrams: false,
  maxTokenLength: 30,
};

/** 4 → 3 (ReLU) → 2 with small integer-ish weights, so the expected output is computed by hand below. */
const layers = [
  {
    inDim: 4,
    outDim: 3,
    weights: Float32Array.from([1, 0, -1, 0, 1, 0, 0, 0, 1, 2, -1, 0]),
    bias: Float32Array.from([0, 0.5, -0.5]),
    relu: true,
  },
  {
    inDim: 3,
    outDim: 2,
    weights: Float32Array.from([1, -1, 0.5, 0.5, -1, 1]),
    bias: Float32Array.from([0.1, 0]),
    relu: false,
  },
];

function reference(x: number[]): number[] {
  const h = [0, 1, 2].map((u) =>
    Math.max(0, layers[0].bias[u] + x.reduce((s, xi, i) => s + xi * layers[0].weights[i * 3 + u], 0)),
  );
  const z = [0, 1].map(
    (k) => layers[1].bias[k] + h.reduce((s, hu, u) => s + hu * layers[1].weights[u * 2 + k], 0),
  );
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  return e.map((v) => v / (e[0] + e[1]));
}

describe('encodeModel', () => {
  const bytes = encodeModel({ layers, features, labels: ['ham', 'spam'], version: 'vt', docString: 'test' });

  it('is loaded by ONNX Runtime and computes dense → ReLU → dense → softmax for any batch size', async () => {
    const session = await ort.InferenceSession.create(bytes);
    try {
      expect(session.inputNames).toEqual([INPUT_NAME]);
      expect(session.outputNames).toEqual([OUTPUT_NAME]);
      const rows = [
        [1, 0, 0, 0],
        [0, 1, 2, 0],
        [0.5, -1, 0, 3],
      ];
      for (const n of [1, 3]) {
        const input = new ort.Tensor('float32', Float32Array.from(rows.slice(0, n).flat()), [n, 4]);
        const out = (await session.run({ [INPUT_NAME]: input }))[OUTPUT_NAME];
        expect(out.dims).toEqual([n, 2]);
        const got = Array.from(out.data as Float32Array);
        rows.slice(0, n).forEach((x, i) => {
          const want = reference(x);
          expect(got[i * 2]).toBeCloseTo(want[0], 5);
          expect(got[i * 2 + 1]).toBeCloseTo(want[1], 5);
        });
      }
    } finally {
      await session.release();
    }
  });

  it('gives identical bytes for an identical spec', () => {
    expect(
      encodeModel({ layers, features, labels: ['ham', 'spam'], version: 'vt', docString: 'test' }),
    ).toEqual(bytes);
  });

  it('refuses layers whose weights do not match their shape', () => {
    const bad = [{ ...layers[0], weights: new Float32Array(5) }];
    expect(() =>
      encodeModel({ layers: bad, features, labels: ['ham', 'spam'], version: 'v', docString: '' }),
    ).toThrow(/layer 0/);
  });
});
