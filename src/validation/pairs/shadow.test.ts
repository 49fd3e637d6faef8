import { describe, expect, it } from 'vitest';
import { protocolFor } from '../../protocols/registry.js';
import type { ShadowPair } from '../../router/types.js';
import { protocolDefaults } from '../../spec/server.js';
import { fakeClock } from '../fake-server.js';
import { shadowPairs, toComparisonPair } from './shadow.js';

const sp = (seq: number, body: string, shadow: Partial<ShadowPair['shadow']> = {}): ShadowPair => ({
  seq,
  requestId: `r${seq}`,
  time: seq,
  method: 'POST',
  path: '/predict',
  requestBody: body,
  primary: { color: 'blue', status: 200, body: '{"label":"spam","score":0.9}', latencyMs: 2, version: 'v1' },
  shadow: {
    color: 'green',
    status: 200,
    body: '{"label":"ham","score":0.7}',
    latencyMs: 3,
    version: 'v2',
    ...shadow,
  },
});

describe('router shadow pairs', () => {
  it('maps primary → baseline and shadow → candidate, parsing bodies', () => {
    expect(toComparisonPair(sp(7, '{"text":"hi"}'))).toEqual({
      id: 'shadow-7',
      text: 'hi',
      input: { text: 'hi' },
      baseline: {
        status: 200,
        body: { label: 'spam', score: 0.9 },
        latencyMs: 2,
        version: 'v1',
        prediction: { label: 'spam', score: 0.9 },
      },
      candidate: {
        status: 200,
        body: { label: 'ham', score: 0.7 },
        latencyMs: 3,
        version: 'v2',
        prediction: { label: 'ham', score: 0.7 },
      },
    });
    expect(toComparisonPair(sp(8, '{"text":"x"}', { error: 'timeout', status: 0 }))?.candidate).toMatchObject(
      { status: 0, body: { error: 'timeout' } },
    );
  });

  it('a request that names its slice is counted in it (live traffic judged per slice)', () => {
    expect(toComparisonPair(sp(9, '{"text":"hi","slice":"html"}'))).toMatchObject({
      text: 'hi',
      slice: 'html',
    });
    expect(toComparisonPair(sp(10, '{"text":"hi","slice":3}'))).not.toHaveProperty('slice');
  });

  it('skips requests without a text body', () => {
    expect(toComparisonPair(sp(1, ''))).toBeUndefined();
    expect(toComparisonPair(sp(2, '{"instances":[]}'))).toBeUndefined();
  });

  it("decodes each answer with its side's protocol; only the baseline protocol's prediction requests count", () => {
    const decoding = {
      protocols: {
        baseline: protocolFor(protocolDefaults('oip-v2')),
        candidate: protocolFor({ ...protocolDefaults('http-json'), response: { probabilities: 'p' } }),
      },
      kind: 'probabilities' as const,
    };
    const infer = {
      ...sp(9, JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1], data: [1] }] })),
      path: '/v2/models/model/infer',
      primary: {
        color: 'blue' as const,
        status: 200,
        body: JSON.stringify({ outputs: [{ name: 'y', datatype: 'FP32', shape: [1, 2], data: [0.2, 0.8] }] }),
        latencyMs: 1,
      },
    };
    const p = toComparisonPair(
      { ...infer, shadow: { ...infer.shadow, body: '{"p":[0.25,0.75]}' } },
      decoding,
    );
    expect(p?.baseline.prediction).toMatchObject({ label: '1', score: 0.8 });
    expect(p?.candidate.prediction).toMatchObject({ label: '1', score: 0.75 });
    const unread = toComparisonPair({ ...infer, shadow: { ...infer.shadow, body: '{"q":1}' } }, decoding);
    expect(unread?.candidate.decodeError).toContain('response mapping probabilities "p": matches nothing');
    // a /predict body, or a metadata GET, is not this baseline's prediction request
    expect(toComparisonPair(sp(10, '{"text":"hi"}'), decoding)).toBeUndefined();
    expect(toComparisonPair({ ...infer, method: 'GET' }, decoding)).toBeUndefined();
  });

  it('polls from `since`, advancing by nextSeq, until aborted', async () => {
    const calls: [number, number][] = [];
    const all = [sp(1, '{"text":"a"}'), sp(2, 'not json'), sp(3, '{"text":"c"}'), sp(4, '{"text":"d"}')];
    const router = {
      async shadowPairs(since: number, limit: number) {
        calls.push([since, limit]);
        const pairs = all.filter((p) => p.seq > since).slice(0, limit);
        return { pairs, nextSeq: pairs.length ? pairs[pairs.length - 1].seq : since, dropped: 0 };
      },
    };
    const ac = new AbortController();
    const got: string[] = [];
    for await (const p of shadowPairs({
      router,
      clock: fakeClock(),
      since: 0,
      batch: 2,
      signal: ac.signal,
    })) {
      got.push(p.text);
      if (got.length === 3) ac.abort();
    }
    expect(got).toEqual(['a', 'c', 'd']);
    expect(calls.slice(0, 2)).toEqual([
      [0, 2],
      [2, 2],
    ]);
  });
});
