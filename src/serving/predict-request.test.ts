import { describe, expect, it } from 'vitest';
import { parsePredictRequest } from './predict-request.js';

describe('parsePredictRequest', () => {
  it('accepts the single and the batch form', () => {
    expect(parsePredictRequest({ text: 'hi' })).toEqual({ texts: ['hi'], batch: false });
    expect(parsePredictRequest({ instances: [{ text: 'a' }, { text: '' }] })).toEqual({
      texts: ['a', ''],
      batch: true,
    });
  });

  it.each([
    [null, /JSON object.*found null/],
    [[1, 2], /JSON object.*a list of 2/],
    ['text', /JSON object.*found "text"/],
    [{}, /missing "text"/],
    [{ text: 5 }, /"text" must be a string, found number 5/],
    [{ text: null }, /"text" must be a string, found null/],
    [{ text: 'a', instances: [] }, /either "text" or "instances"/],
    [{ instances: [] }, /"instances" must be a non-empty list/],
    [{ instances: 'a' }, /"instances" must be a non-empty list.*found "a"/],
    [{ instances: [{ text: 'a' }, { txt: 'b' }] }, /instances\[1\]\.text must be a string, found nothing/],
    [{ instances: [{ text: 'a' }, 'b'] }, /instances\[1\]\.text must be a string/],
  ])('rejects %j naming the problem', (body, message) => {
    const result = parsePredictRequest(body);
    expect('error' in result && result.error).toMatch(message);
  });
});
