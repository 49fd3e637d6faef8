import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.js';
import { fieldsOf, parseFieldSelector, parseLabelSelector } from './selectors.js';

describe('label selectors', () => {
  const pod = { app: 'model-server', color: 'blue', tier: 'ml' };

  it.each([
    ['', true],
    ['app=model-server', true],
    ['app==model-server,color=blue', true],
    ['color=green', false],
    ['color!=green', true],
    ['missing!=x', true],
    ['color in (green, blue)', true],
    ['color in (green)', false],
    ['color notin (green),app', true],
    ['color notin (blue)', false],
    ['tier', true],
    ['!tier', false],
    ['!missing', true],
    ['missing', false],
    ['app=model-server,color in (blue,green),!canary', true],
  ])('%j matches: %s', (selector, want) => {
    expect(parseLabelSelector(selector)(pod)).toBe(want);
  });

  it('rejects a malformed key with a 400 naming it', () => {
    let err: unknown;
    try {
      parseLabelSelector('a b=c');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe(400);
    expect((err as ApiError).message).toContain('a b');
  });
});

describe('field selectors', () => {
  const obj = { metadata: { name: 'web', namespace: 'ml' }, status: { phase: 'Running' } };
  const allowed = ['metadata.name', 'metadata.namespace', 'status.phase'];

  it('matches = and != on allowed fields', () => {
    const fields = fieldsOf(obj, allowed);
    expect(parseFieldSelector('metadata.name=web', allowed)(fields)).toBe(true);
    expect(parseFieldSelector('metadata.name=other', allowed)(fields)).toBe(false);
    expect(parseFieldSelector('metadata.name=web,status.phase!=Running', allowed)(fields)).toBe(false);
  });

  it('refuses a field the type does not support, like kube-apiserver', () => {
    expect(() => parseFieldSelector('spec.replicas=3', allowed)).toThrow(
      /field label not supported: spec.replicas/,
    );
  });
});
