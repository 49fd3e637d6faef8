import { describe, expect, it } from 'vitest';
import { signatureOf, type ValueMetadata } from './signature.js';

const t = (name: string, shape: Array<number | string>, type = 'float32'): ValueMetadata => ({
  name,
  isTensor: true,
  type,
  shape,
});

describe('signatureOf', () => {
  it('maps runtime types to OIP datatypes and keeps symbolic dimensions by name', () => {
    const sig = signatureOf([t('x', ['N', 4], 'int64')], [t('y', ['N', 3], 'string')]);
    expect(sig.inputs.map((s) => [s.name, s.datatype.oip, s.shape])).toEqual([['x', 'INT64', ['N', 4]]]);
    expect(sig.outputs.map((s) => [s.name, s.datatype.oip])).toEqual([['y', 'BYTES']]);
    expect(sig.batchable).toBe(true);
  });

  it('leaves non-tensor outputs out, saying what they are (they are never fetched, so batching stays exact)', () => {
    const sig = signatureOf(
      [t('x', ['N', 4])],
      [t('label', ['N'], 'int64'), { name: 'probabilities', isTensor: false }],
      new Set(),
      () => 'of type seq(map(int64,tensor(float)))',
    );
    expect(sig.outputs.map((o) => o.name)).toEqual(['label']);
    expect(sig.skipped).toEqual([
      { name: 'probabilities', why: 'of type seq(map(int64,tensor(float))), which OIP v2 cannot carry' },
    ]);
    expect(sig.batchable).toBe(true);
  });

  it.each([
    ['a fixed batch of 1', [t('x', [1, 4])], [t('y', [1, 3])], /input x has a fixed first dimension 1/],
    [
      'state tensors [2, batch, 64] (Silero VAD)',
      [t('input', ['batch', 'sequence']), t('h', [2, 'batch', 64])],
      [t('output', ['batch', 1])],
      /input h has a fixed first dimension 2/,
    ],
    ['a shared scalar', [t('x', ['N', 4]), t('sr', [], 'int64')], [t('y', ['N'])], /input sr is a scalar/],
    ['a value without a shape', [t('x', [])], [t('y', ['N'])], /input x declares no shape/, new Set(['x'])],
    [
      'different symbolic names',
      [t('x', ['N', 4]), t('z', ['M', 4])],
      [t('y', ['N'])],
      /input z's first dimension \("M"\) is not known to be the batch dimension "N"/,
    ],
    [
      'an unnamed dynamic first dimension',
      [t('x', [-1, 4])],
      [t('y', [-1])],
      /input x's first dimension \(an unnamed dynamic size\)/,
    ],
    [
      'an output whose first dimension is not the batch',
      [t('x', ['N', 4])],
      [t('idx', ['K'])],
      /output idx's first dimension \("K"\)/,
    ],
  ])('runs one request at a time for %s', (_, inputs, outputs, why, unknown = new Set<string>()) => {
    const sig = signatureOf(inputs, outputs, unknown);
    expect(sig.batchable).toBe(false);
    expect(sig.whyNotBatched).toMatch(why);
  });

  it('refuses inputs OIP cannot carry, and a model with no tensor output', () => {
    expect(() => signatureOf([t('x', ['N'], 'int4')], [t('y', ['N'])])).toThrow(
      /input x: element type int4 has no OIP v2 datatype/,
    );
    expect(() => signatureOf([{ name: 'x', isTensor: false }], [t('y', ['N'])])).toThrow(
      /input x: not a tensor/,
    );
    expect(() => signatureOf([t('x', ['N'])], [{ name: 'm', isTensor: false }])).toThrow(/no tensor output/);
  });
});
