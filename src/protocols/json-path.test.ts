import { describe, expect, it } from 'vitest';
import { parsePath, readPath } from './json-path.js';

describe('JSON paths', () => {
  const doc = { predictions: [{ label: 'spam', 'a.b': 1 }], outputs: [{ data: [0.1, 0.9] }], n: null };

  it('reads keys, indexes, quoted keys and a leading $ or $.', () => {
    expect(readPath(doc, 'predictions[0].label')).toEqual({ found: true, value: 'spam' });
    expect(readPath(doc, '$.outputs[0].data[1]')).toEqual({ found: true, value: 0.9 });
    expect(readPath(doc, '$outputs[0].data')).toEqual({ found: true, value: [0.1, 0.9] });
    expect(readPath(doc, 'predictions[0]["a.b"]')).toEqual({ found: true, value: 1 });
    expect(readPath([5, 6], '[1]')).toEqual({ found: true, value: 6 });
    expect(readPath(doc, 'n')).toEqual({ found: true, value: null });
    expect(readPath(doc, '$')).toEqual({ found: true, value: doc });
  });

  it('names the first step that is missing', () => {
    expect(readPath(doc, 'predictions[1].label')).toEqual({ found: false, missing: 'predictions[1]' });
    expect(readPath(doc, 'predictions[0].score')).toEqual({ found: false, missing: 'predictions[0].score' });
    expect(readPath(doc, 'outputs.data')).toEqual({ found: false, missing: 'outputs.data' });
    expect(readPath('text', 'a')).toEqual({ found: false, missing: 'a' });
    // inherited properties are not part of the answer
    expect(readPath({}, 'constructor')).toEqual({ found: false, missing: 'constructor' });
  });

  it('rejects malformed paths', () => {
    expect(() => parsePath('a..b')).toThrow(/empty key/);
    expect(() => parsePath('a[x]')).toThrow(/expected \[N\]/);
    expect(() => parsePath('a.')).toThrow(/empty key/);
    expect(parsePath('a[0]["b"].c')).toEqual(['a', 0, 'b', 'c']);
  });
});
