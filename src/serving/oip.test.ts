import { describe, expect, it } from 'vitest';
import { inferResponse, modelMetadata, parseInferRequest } from './oip.js';

const tensor = (over: Record<string, unknown> = {}) => ({
  name: 'text',
  datatype: 'BYTES',
  shape: [2],
  data: ['a', 'b'],
  ...over,
});

describe('parseInferRequest', () => {
  it('reads the texts of a BYTES tensor, flat or nested [N, 1]', () => {
    expect(parseInferRequest({ id: '7', inputs: [tensor()] })).toEqual({
      texts: ['a', 'b'],
      id: '7',
      outputs: ['label', 'score'],
    });
    const nested = parseInferRequest({ inputs: [tensor({ shape: [2, 1], data: [['a'], ['b']] })] });
    expect(nested).toMatchObject({ texts: ['a', 'b'] });
  });

  it('returns only the requested outputs', () => {
    expect(parseInferRequest({ inputs: [tensor()], outputs: [{ name: 'score' }] })).toMatchObject({
      outputs: ['score'],
    });
  });

  it.each([
    [[], /JSON object/],
    [{}, /"inputs" must be a non-empty list/],
    [{ inputs: [] }, /"inputs" must be a non-empty list/],
    [{ id: 3, inputs: [tensor()] }, /"id" must be a string/],
    [{ inputs: [tensor(), tensor()] }, /exactly one input "text", found 2/],
    [{ inputs: [tensor({ name: 'features' })] }, /unknown input "features"/],
    [{ inputs: [tensor({ datatype: 'FP32' })] }, /datatype BYTES, found "FP32"/],
    [{ inputs: [tensor({ shape: [3] })] }, /shape \[3\] but 2 elements/],
    [{ inputs: [tensor({ shape: [2, 2] })] }, /shape \[N\] or \[N, 1\].*\[2,2\]/],
    [{ inputs: [tensor({ shape: 'x' })] }, /shape \[N\]/],
    [{ inputs: [tensor({ shape: [0], data: [] })] }, /N ≥ 1/],
    [{ inputs: [tensor({ data: ['a', 1] })] }, /data\[1\] must be a string, found number 1/],
    [{ inputs: [tensor({ data: 'ab' })] }, /data must be a list/],
    [{ inputs: [tensor()], outputs: [{ name: 'probabilities' }] }, /unknown output "probabilities"/],
  ])('rejects %j naming the problem', (body, message) => {
    const result = parseInferRequest(body);
    expect('error' in result && result.error).toMatch(message);
  });
});

describe('OIP responses', () => {
  it('describes the model as text BYTES in, label BYTES and score FP32 out', () => {
    const meta = modelMetadata('spam', 'v2');
    expect(meta).toMatchObject({ name: 'spam', versions: ['v2'] });
    expect(meta.inputs).toEqual([{ name: 'text', datatype: 'BYTES', shape: [-1] }]);
    expect(meta.outputs.map((o) => [o.name, o.datatype])).toEqual([
      ['label', 'BYTES'],
      ['score', 'FP32'],
    ]);
  });

  it('echoes the id and returns one element per text in each output', () => {
    const preds = [
      { label: 'spam', score: 0.9 },
      { label: 'ham', score: 0.6 },
    ];
    const res = inferResponse('m', 'v1', { texts: ['a', 'b'], id: 'r1', outputs: ['label', 'score'] }, preds);
    expect(res).toEqual({
      model_name: 'm',
      model_version: 'v1',
      id: 'r1',
      outputs: [
        { name: 'label', datatype: 'BYTES', shape: [2], data: ['spam', 'ham'] },
        { name: 'score', datatype: 'FP32', shape: [2], data: [0.9, 0.6] },
      ],
    });
    expect('id' in inferResponse('m', 'v1', { texts: [], id: undefined, outputs: [] }, [])).toBe(false);
  });
});
