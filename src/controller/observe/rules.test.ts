import { describe, expect, it } from 'vitest';
import type { ColorSignals } from '../../metrics/types.js';
import { testSpec } from '../testing/spec.js';
import type { RuleName, RuleState } from './rule-state.js';
import { evaluateRules, MIN_CONFIDENCE_SAMPLES } from './rules.js';

const rules = testSpec().observation.rules;
const none: ColorSignals = {
  p95LatencySeconds: null,
  errorRatio: null,
  requests: null,
  errors: null,
  readyReplicas: null,
  scoreBins: null,
};
const base = { p95LatencySeconds: 0.01, scoreBins: [0, 0, 0, 0, 0, 10, 10, 20, 30, 30] };

function run(seq: { t: number; s: Partial<ColorSignals>; bins?: number[] }[]) {
  let prev: Partial<Record<RuleName, RuleState>> = {};
  const out = [];
  for (const step of seq) {
    const ev = evaluateRules(
      rules,
      { candidate: { ...none, ...step.s }, baseline: base, candidateScoreBins: step.bins ?? null },
      prev,
      step.t,
    );
    prev = ev.states;
    out.push(ev);
  }
  return out;
}

describe('observation rules', () => {
  it('no data is never a breach', () => {
    const [ev] = run([{ t: 0, s: {} }]);
    expect(ev.firing).toBeNull();
    for (const s of Object.values(ev.states)) expect(s).toMatchObject({ state: 'inactive', measured: null });
  });

  it('error rate fires only after holding for its `for` (60 s), and resets on recovery or no data', () => {
    const bad = { errorRatio: 0.05 };
    const evs = run([
      { t: 0, s: bad },
      { t: 59_000, s: bad },
      { t: 60_000, s: bad },
    ]);
    expect(evs.map((e) => e.states.errorRate.state)).toEqual(['pending', 'pending', 'firing']);
    expect(evs[2].firing).toBe('errorRate');
    const reset = run([
      { t: 0, s: bad },
      { t: 30_000, s: {} },
      { t: 60_000, s: bad },
      { t: 90_000, s: { errorRatio: 0.001 } },
      { t: 119_000, s: bad },
    ]);
    expect(reset.map((e) => e.states.errorRate.state)).toEqual([
      'pending',
      'inactive',
      'pending',
      'inactive',
      'pending',
    ]);
    expect(reset.every((e) => e.firing === null)).toBe(true);
  });

  it('latency regression compares with 1.2 × the baseline P95 captured before the switch, for 2 min', () => {
    const evs = run([
      { t: 0, s: { p95LatencySeconds: 0.0119 } },
      { t: 10_000, s: { p95LatencySeconds: 0.013 } },
      { t: 129_000, s: { p95LatencySeconds: 0.013 } },
      { t: 130_000, s: { p95LatencySeconds: 0.013 } },
    ]);
    expect(evs.map((e) => e.states.latencyRegression.state)).toEqual([
      'inactive',
      'pending',
      'pending',
      'firing',
    ]);
    expect(evs[3].states.latencyRegression.threshold).toBeCloseTo(0.012);
  });

  it('not ready fires when no candidate replica is ready for 60 s', () => {
    const evs = run([
      { t: 0, s: { readyReplicas: 2 } },
      { t: 1000, s: { readyReplicas: 0 } },
      { t: 61_000, s: { readyReplicas: 0 } },
    ]);
    expect(evs.map((e) => e.states.notReady.state)).toEqual(['inactive', 'pending', 'firing']);
  });

  it('confidence shift: PSI of the candidate bins vs the baseline, needs enough predictions', () => {
    const shifted = [30, 30, 20, 10, 10, 0, 0, 0, 0, 0];
    const few = shifted.map((x) => (x * (MIN_CONFIDENCE_SAMPLES - 1)) / 100);
    expect(run([{ t: 0, s: {}, bins: few }])[0].states.confidenceShift.state).toBe('inactive');
    const same = run([{ t: 0, s: {}, bins: base.scoreBins.map((x) => x * 3) }])[0];
    expect(same.states.confidenceShift.measured).toBeCloseTo(0, 6);
    const evs = run([
      { t: 0, s: {}, bins: shifted },
      { t: 120_000, s: {}, bins: shifted },
    ]);
    expect(evs.map((e) => e.states.confidenceShift.state)).toEqual(['pending', 'firing']);
    expect(evs[1].states.confidenceShift.measured).toBeGreaterThan(0.25);
  });

  it('a disabled rule is not evaluated', () => {
    const r = structuredClone(rules);
    r.errorRate.enabled = false;
    const ev = evaluateRules(
      r,
      { candidate: { ...none, errorRatio: 1 }, baseline: base, candidateScoreBins: null },
      {},
      0,
    );
    expect(ev.states.errorRate).toBeUndefined();
  });
});
