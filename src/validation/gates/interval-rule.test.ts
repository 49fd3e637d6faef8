import { describe, expect, it } from 'vitest';
import { createRandom } from '../../models/prng.js';
import { judgeOnInterval, looks } from './interval-rule.js';

/** A sequence of rounds as the latency gate runs it: looks at 8, 12, 16, 20 with α/4 each. */
function simulate(trueRatio: number, sd: number, runs: number, seed: number) {
  const random = createRandom(seed);
  const normal = () => {
    const u = 1 - random.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next());
  };
  const at = looks(8, 20);
  const out = { passed: 0, failed: 0, inconclusive: 0 };
  for (let k = 0; k < runs; k++) {
    const rounds: number[] = [];
    let status = 'inconclusive';
    for (const n of at) {
      while (rounds.length < n) rounds.push(trueRatio * Math.exp(sd * normal()));
      const v = judgeOnInterval(rounds, 1.2, 0.05 / at.length);
      if (v.status !== 'undecided') {
        status = v.status;
        break;
      }
    }
    out[status as keyof typeof out]++;
  }
  return { passed: out.passed / runs, failed: out.failed / runs, inconclusive: out.inconclusive / runs };
}

describe('interval rule (Hodges–Lehmann on per-round log ratios, up to 4 looks)', () => {
  it('looks at minRounds, then every 4 rounds, ending at maxRounds', () => {
    expect(looks(8, 20)).toEqual([8, 12, 16, 20]);
    expect(looks(8, 10)).toEqual([8, 10]);
    expect(looks(8, 8)).toEqual([8]);
  });

  it('fails only when the whole interval is above the limit, passes only when it is all below', () => {
    expect(judgeOnInterval([2, 2.1, 1.9, 2.2, 2, 1.95, 2.05, 2.1], 1.2, 0.0125).status).toBe('failed');
    expect(judgeOnInterval([1, 1.02, 0.98, 1.01, 0.99, 1.03, 1, 0.97], 1.2, 0.0125).status).toBe('passed');
    const straddle = judgeOnInterval([0.9, 1.5, 1.0, 1.4, 1.1, 1.3, 0.95, 1.45], 1.2, 0.0125);
    expect(straddle.status).toBe('undecided');
    expect(straddle.lower).toBeLessThan(1.2);
    expect(straddle.upper).toBeGreaterThan(1.2);
  });

  it('operating characteristics, 2,000 seeded runs each: an identical model (ratio 1, round noise ±15%) passes >= 99%; one at exactly the limit passes <= 5% and fails <= 5%; 2× fails >= 99%', () => {
    const same = simulate(1, 0.15, 2000, 1);
    expect(same.passed).toBeGreaterThanOrEqual(0.99);
    expect(same.failed).toBe(0);
    const edge = simulate(1.2, 0.15, 2000, 2);
    expect(edge.passed).toBeLessThanOrEqual(0.05);
    expect(edge.failed).toBeLessThanOrEqual(0.05);
    const slow = simulate(2, 0.3, 2000, 3);
    expect(slow.failed).toBeGreaterThanOrEqual(0.99);
    expect(slow.passed).toBe(0);
  });

  it('heavy noise (±40% per round) on an identical model: mostly inconclusive rather than ever failed', () => {
    const noisy = simulate(1, 0.4, 2000, 4);
    expect(noisy.failed).toBeLessThanOrEqual(0.01);
  });
});
