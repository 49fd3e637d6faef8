import { describe, expect, it } from 'vitest';
import { datatypeOf, type OipDatatype } from './datatypes.js';
import type { Feeds } from './feeds.js';
import { tensorResponse } from './infer-response.js';
import type { TensorSpec } from './signature.js';

const spec = (name: string, oip: OipDatatype): TensorSpec => ({
  name,
  datatype: datatypeOf(oip)!,
  shape: ['N'],
});

describe('tensorResponse', () => {
  it('writes 64-bit integers with every digit, also beyond 2^53 (valid JSON, exact for Python and Go)', () => {
    const values: Feeds = {
      big: { type: 'int64', data: BigInt64Array.from([2n ** 62n + 1n, -(2n ** 63n)]), dims: [2] },
      ubig: { type: 'uint64', data: BigUint64Array.from([2n ** 64n - 1n]), dims: [1] },
    };
    const text = tensorResponse('m', 'v1', 'r', [spec('big', 'INT64'), spec('ubig', 'UINT64')], values);
    expect(text).toBe(
      '{"model_name":"m","model_version":"v1","id":"r","outputs":[' +
        '{"name":"big","datatype":"INT64","shape":[2],"data":[4611686018427387905,-9223372036854775808]},' +
        '{"name":"ubig","datatype":"UINT64","shape":[1],"data":[18446744073709551615]}]}',
    );
    expect(JSON.parse(text).outputs[0].data[0]).toBe(2 ** 62); // what JavaScript's parser makes of it
  });

  it('writes NaN and Infinity as null, booleans as true/false, strings escaped, half floats by value', () => {
    const values: Feeds = {
      f: { type: 'float32', data: Float32Array.from([0.5, Number.NaN, Number.POSITIVE_INFINITY]), dims: [3] },
      b: { type: 'bool', data: Uint8Array.from([1, 0]), dims: [2] },
      s: { type: 'string', data: ['a"b', 'é\n'], dims: [2] },
      h: { type: 'float16', data: Uint16Array.from([0x3c00, 0x7c00]), dims: [2] },
    };
    const outputs = [spec('f', 'FP32'), spec('b', 'BOOL'), spec('s', 'BYTES'), spec('h', 'FP16')];
    const parsed = JSON.parse(tensorResponse('m', 'v1', undefined, outputs, values));
    expect(parsed).not.toHaveProperty('id');
    expect(parsed.outputs.map((o: { data: unknown[] }) => o.data)).toEqual([
      [0.5, null, null],
      [true, false],
      ['a"b', 'é\n'],
      [1, null],
    ]);
  });
});
