import { describe, expect, it } from 'vitest';
import { parsePath, readPath } from './json-path.js';

describe('JSON paths', () => {
  it('parses keys and indices', () => {
    expect(parsePath('predictions[0].label')).toEqual(['predictions', 0, 'label']);
    expect(parsePath('status')).toEqual(['status']);
    expect(parsePath('[1][2]')).toEqual([1, 2]);
    for (const bad of ['', '.a', 'a..b', 'a[x]', 'a[0', 'a.']) expect(parsePath(bad), bad).toBeUndefined();
  });

  it('reads a value, or says how far the answer matched', () => {
    const answer = { model: { state: 'READY' }, items: [{ ready: true }], n: 0 };
    expect(readPath(answer, 'model.state')).toEqual({ found: true, value: 'READY' });
    expect(readPath(answer, 'items[0].ready')).toEqual({ found: true, value: true });
    expect(readPath(answer, 'n')).toEqual({ found: true, value: 0 });
    expect(readPath(answer, 'items[1].ready')).toEqual({ found: false, matched: 'items' });
    expect(readPath(answer, 'model.status')).toEqual({ found: false, matched: 'model' });
    expect(readPath('text', 'model')).toEqual({ found: false, matched: '' });
    expect(readPath({ toString: 1 }, 'constructor')).toEqual({ found: false, matched: '' });
  });
});
