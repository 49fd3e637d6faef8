import { describe, expect, it } from 'vitest';
import { gateResult } from './gates/result.js';
import { exitCodeFor, formatReport } from './report.js';

describe('report', () => {
  const pass = gateResult('health', 'passed', 'ok', {
    measured: { readyReplicas: 1 },
    threshold: { replicas: 1 },
  });
  const fail = gateResult('agreement', 'failed', 'agreement 9/12 = 75%: SPRT rejected after 12 pairs', {
    evidence: {
      slices: [
        {
          slice: 'html',
          n: 4,
          agreed: 2,
          agreement: 0.5,
          lower: 0.17,
          upper: 0.83,
          pValue: 0.1,
          adjustedP: 0.1,
          status: 'short',
          needs: 16,
          failed: false,
        },
      ],
      disagreements: [
        {
          text: 'Subject: hello\n\nworld',
          baseline: { label: 'spam', score: 0.97 },
          candidate: { label: 'ham', score: 0.6 },
        },
      ],
    },
  });
  const inconclusive = gateResult('distribution', 'inconclusive', 'only 3 pairs');
  const error = gateResult('latency', 'error', 'unreachable', { evidence: { reason: 'unreachable' } });

  it('exit codes: 0 all passed, 1 failed, 2 inconclusive or error (the worst status decides)', () => {
    expect(exitCodeFor([pass])).toBe(0);
    expect(exitCodeFor([pass, fail])).toBe(1);
    expect(exitCodeFor([pass, inconclusive])).toBe(2);
    expect(exitCodeFor([fail, inconclusive])).toBe(1);
    expect(exitCodeFor([fail, error])).toBe(2);
  });

  it('a skipped gate (no input) does not change the verdict; all skipped proves nothing (exit 2)', () => {
    const skipped = gateResult('modelCard', 'skipped', 'skipped: no model card given for the candidate');
    expect(exitCodeFor([pass, skipped])).toBe(0);
    expect(exitCodeFor([fail, skipped])).toBe(1);
    expect(exitCodeFor([skipped])).toBe(2);
    const text = formatReport([pass, skipped]);
    expect(text).toContain('SKIP         modelCard     skipped: no model card given for the candidate');
    expect(text.split('\n').at(-1)).toBe(
      'result: PASSED (1 passed, 0 failed, 0 inconclusive, 0 error, 1 skipped)',
    );
  });

  it('prints status, summary, measured vs threshold, and the evidence that explains a failure', () => {
    const text = formatReport([pass, fail], 'header');
    expect(text).toContain('PASS         health        ok');
    expect(text).toContain('measured:  readyReplicas 1');
    expect(text).toContain('threshold: replicas 1');
    expect(text).toContain('FAIL         agreement     agreement 9/12 = 75%');
    expect(text).toContain(
      'slice html: 50.0% of 4 [0.17, 0.83], BH-adjusted anytime p 0.1  ← needs 16 more pairs',
    );
    expect(text).toContain('disagreement: "Subject: hello world" baseline spam 0.970 → candidate ham 0.600');
    expect(text.split('\n').at(-1)).toBe('result: FAILED (1 passed, 1 failed, 0 inconclusive, 0 error)');
  });

  it("shows another protocol's disagreements by their decoded predictions and distance", () => {
    const oip = { outputs: [{ name: 'probs', datatype: 'FP32', shape: [1, 2], data: [0.3, 0.7] }] };
    const r = gateResult('agreement', 'failed', 'x', {
      evidence: {
        disagreements: [
          {
            text: '[1,2]',
            baseline: oip,
            candidate: oip,
            predictions: {
              baseline: { probabilities: [0.7, 0.3], classes: ['a', 'b'], label: 'a', score: 0.7 },
              candidate: { probabilities: [0.3, 0.7], classes: ['a', 'b'], label: 'b', score: 0.7 },
            },
            distance: 0.4,
          },
          {
            text: 'h',
            baseline: {},
            candidate: {},
            predictions: { baseline: { value: 3.25 }, candidate: null },
          },
        ],
      },
    });
    const text = formatReport([r], 'header');
    expect(text).toContain(
      'disagreement: "[1,2]" baseline a (p 0.700) → candidate b (p 0.700) (distance 0.4)',
    );
    expect(text).toContain('disagreement: "h" baseline 3.25 → candidate {}');
  });
});
