import { describe, expect, it } from 'vitest';
import { applyMergePatch, applyStrategicMergePatch } from './merge-patch.js';

const pod = {
  metadata: { finalizers: ['a'] },
  spec: {
    containers: [
      { name: 'server', image: 'v1', env: [{ name: 'A', value: '1' }] },
      { name: 'sidecar', image: 'p1' },
    ],
  },
};

describe('merge patches', () => {
  it('RFC 7386: maps merge, null deletes, lists are replaced', () => {
    expect(applyMergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { b: null, d: 3 }, l: [3] })).toEqual({
      a: { c: 2, d: 3 },
      l: [3],
    });
  });

  it('strategic merge: containers and env merge by name, $patch delete removes, finalizers merge as a set', () => {
    const out = applyStrategicMergePatch(pod, {
      metadata: { finalizers: ['a', 'b'] },
      spec: {
        '$setElementOrder/containers': [{ name: 'server' }],
        containers: [
          { name: 'server', image: 'v2', env: [{ name: 'B', value: '2' }] },
          { name: 'sidecar', $patch: 'delete' },
        ],
      },
    });
    expect(out).toEqual({
      metadata: { finalizers: ['a', 'b'] },
      spec: {
        containers: [
          {
            name: 'server',
            image: 'v2',
            env: [
              { name: 'A', value: '1' },
              { name: 'B', value: '2' },
            ],
          },
        ],
      },
    });
  });

  it('strategic merge: a list without a merge key is replaced; $deleteFromPrimitiveList removes items', () => {
    const out = applyStrategicMergePatch(
      { metadata: { finalizers: ['a', 'b'] }, spec: { args: ['x', 'y'] } },
      { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] }, spec: { args: ['z'] } },
    );
    expect(out).toEqual({ metadata: { finalizers: ['b'] }, spec: { args: ['z'] } });
  });
});
