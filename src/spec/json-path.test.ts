import { describe, expect, it } from 'vitest';
import { parsePath, pathProblem, readPath } from './json-path.js';

describe('JSON paths', () => {
  const doc = { predictions: [{ label: 'spam', 'a.b': 1 }], outputs: [{ data: [0.1, 0.9] }], n: null };

  it('parses keys, indices, quoted keys and a leading $ or $.', () => {
    expect(parsePath('predictions[0].label')).toEqual(['predictions', 0, 'label']);
    expect(parsePath('status')).toEqual(['status']);
    expect(parsePath('[1][2]')).toEqual([1, 2]);
    expect(parsePath('a[0]["b"].c')).toEqual(['a', 0, 'b', 'c']);
    expect(parsePath("$.a['b.c']")).toEqual(['a', 'b.c']);
    expect(parsePath('$')).toEqual([]);
  });

  it('rejects malformed paths, saying why', () => {
    for (const bad of ['', '.a', 'a..b', 'a[x]', 'a[0', 'a.', '$..a'])
      expect(pathProblem(bad), bad).toBeDefined();
    expect(pathProblem('items[0].ready')).toBeUndefined();
    expect(() => parsePath('a..b')).toThrow(/empty key/);
    expect(() => parsePath('a[x]')).toThrow(/expected \[N\]/);
    expect(() => parsePath('a.')).toThrow(/empty key/);
  });

  it('reads keys, indexes, quoted keys and a leading $ or $.', () => {
    expect(readPath(doc, 'predictions[0].label')).toEqual({ found: true, value: 'spam' });
    expect(readPath(doc, '$.outputs[0].data[1]')).toEqual({ found: true, value: 0.9 });
    expect(readPath(doc, '$outputs[0].data')).toEqual({ found: true, value: [0.1, 0.9] });
    expect(readPath(doc, 'predictions[0]["a.b"]')).toEqual({ found: true, value: 1 });
    expect(readPath([5, 6], '[1]')).toEqual({ found: true, value: 6 });
    expect(readPath(doc, 'n')).toEqual({ found: true, value: null });
    expect(readPath(doc, '$')).toEqual({ found: true, value: doc });
    expect(readPath({ n: 0 }, 'n')).toEqual({ found: true, value: 0 });
  });

  it('says how far the answer matched and the first step that is missing', () => {
    expect(readPath(doc, 'predictions[1].label')).toEqual({
      found: false,
      matched: 'predictions',
      missing: 'predictions[1]',
    });
    expect(readPath(doc, 'predictions[0].score')).toEqual({
      found: false,
      matched: 'predictions[0]',
      missing: 'predictions[0].score',
    });
    expect(readPath(doc, 'outputs.data')).toEqual({
      found: false,
      matched: 'outputs',
      missing: 'outputs.data',
    });
    expect(readPath(doc, 'predictions[0]["x.y"]')).toEqual({
      found: false,
      matched: 'predictions[0]',
      missing: 'predictions[0]["x.y"]',
    });
    expect(readPath('text', 'a')).toEqual({ found: false, matched: '', missing: 'a' });
    // inherited properties are not part of the answer
    expect(readPath({ toString: 1 }, 'constructor')).toEqual({
      found: false,
      matched: '',
      missing: 'constructor',
    });
  });
});
