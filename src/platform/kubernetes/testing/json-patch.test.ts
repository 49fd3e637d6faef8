import { describe, expect, it } from 'vitest';
import { applyJsonPatch } from './json-patch.js';

describe('RFC 6902 JSON patch', () => {
  const doc = {
    metadata: { labels: { 'app.kubernetes.io/name': 'x' }, finalizers: ['a', 'b'] },
    spec: { n: 1 },
  };

  it('add, replace, remove, move, copy and test, with ~1 escapes and "-" to append', () => {
    const out = applyJsonPatch(doc, [
      { op: 'add', path: '/metadata/finalizers/-', value: 'c' },
      { op: 'remove', path: '/metadata/finalizers/0' },
      { op: 'replace', path: '/metadata/labels/app.kubernetes.io~1name', value: 'y' },
      { op: 'copy', from: '/spec/n', path: '/spec/m' },
      { op: 'move', from: '/spec/n', path: '/spec/k' },
      { op: 'test', path: '/spec/m', value: 1 },
    ]);
    expect(out).toEqual({
      metadata: { labels: { 'app.kubernetes.io/name': 'y' }, finalizers: ['b', 'c'] },
      spec: { m: 1, k: 1 },
    });
    expect(doc.metadata.finalizers).toEqual(['a', 'b']);
  });

  it('a failed test, a missing path and an out-of-range index are 422s naming the operation', () => {
    expect(() => applyJsonPatch(doc, [{ op: 'test', path: '/spec/n', value: 2 }])).toThrow(
      /operation 0 \(test \/spec\/n\): test failed/,
    );
    expect(() => applyJsonPatch(doc, [{ op: 'replace', path: '/spec/absent', value: 2 }])).toThrow(
      /\/spec\/absent does not exist/,
    );
    expect(() => applyJsonPatch(doc, [{ op: 'add', path: '/metadata/finalizers/5', value: 'z' }])).toThrow(
      /out of range/,
    );
  });
});
