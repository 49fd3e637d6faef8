import { describe, expect, it } from 'vitest';
import { judgeProbe } from './probe.js';

describe('judgeProbe', () => {
  const rule = { path: '/ready', status: 200, jsonField: 'model.ready', equals: 'true' };

  it('passes the status alone, or the status and a JSON field (a string rule matches the same text)', () => {
    expect(judgeProbe({ path: '/health', status: 200 }, 200, 'not json')).toEqual({ ok: true });
    expect(judgeProbe(rule, 200, '{"model":{"ready":true}}')).toEqual({ ok: true });
    expect(judgeProbe(rule, 200, '{"model":{"ready":"true"}}')).toEqual({ ok: true });
    expect(judgeProbe({ ...rule, equals: 1 }, 200, '{"model":{"ready":"1"}}').ok).toBe(false);
  });

  it('says what broke the rule', () => {
    expect(judgeProbe(rule, 503, '')).toEqual({ ok: false, detail: 'answered 503 (expected 200)' });
    expect(judgeProbe(rule, 200, 'loading')).toEqual({
      ok: false,
      detail: 'expected a JSON body with model.ready, found "loading"',
    });
    expect(judgeProbe(rule, 200, '{"model":{}}')).toEqual({
      ok: false,
      detail: 'model.ready is missing (no model.ready)',
    });
    expect(judgeProbe(rule, 200, '{"model":{"ready":false}}')).toEqual({
      ok: false,
      detail: 'model.ready is false (expected "true")',
    });
  });
});
