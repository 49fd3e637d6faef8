import { describe, expect, it } from 'vitest';
import { createRandom } from '../../models/prng.js';
import type { DistributionSpec } from '../../spec/types.js';
import { defaultValidationSpec } from '../../spec/validation-defaults.js';
import { distributionGate } from './distribution.js';
import { answer, pair } from './testing-pairs.js';

const spec: DistributionSpec = defaultValidationSpec().distribution;

/** n pairs whose P(spam) comes from `b` and `c`. */
function pairs(n: number, b: (i: number) => number, c: (i: number) => number) {
  const toAnswer = (p: number) => (p >= 0.5 ? answer('spam', p) : answer('ham', 1 - p));
  return Array.from({ length: n }, (_, i) => pair(i, toAnswer(b(i)), toAnswer(c(i))));
}

describe('distribution gate', () => {
  it('passes the same score distribution (independent draws)', () => {
    const r1 = createRandom(11);
    const r2 = createRandom(12);
    const r = distributionGate({
      pairs: pairs(
        300,
        () => r1.next(),
        () => r2.next(),
      ),
      spec,
    });
    expect(r.status).toBe('passed');
    expect(r.evidence.score).toBe('P(spam)');
  });

  it('fails a shifted distribution and says which statistics breached', () => {
    const rnd = createRandom(3);
    const r = distributionGate({
      pairs: pairs(
        200,
        () => rnd.next() * 0.5,
        () => 0.5 + rnd.next() * 0.5,
      ),
      spec,
    });
    expect(r.status).toBe('failed');
    const breached = (r.evidence.breached as { stat: string }[]).map((b) => b.stat);
    expect(breached).toEqual(expect.arrayContaining(['psi', 'ks', 'wasserstein', 'js', 'chi2']));
    expect(r.measured.chi2PValue as number).toBeLessThan(0.05);
  });

  it('only decideBy statistics decide; the rest are reported', () => {
    // same labels, scores squashed 40% towards 0.5: every score moves by 0.4·|p − ½|, so W1 =
    // 0.4 · E|p − ½| = 0.1 (< 0.15), while the CDFs differ by 0.2 at p = 0.2 (KS sees it)
    const rnd = createRandom(5);
    const xs = Array.from({ length: 400 }, () => rnd.next());
    const squash = (p: number) => (p >= 0.5 ? p - 0.4 * (p - 0.5) : p + 0.4 * (0.5 - p));
    const ps = pairs(
      400,
      (i) => xs[i],
      (i) => squash(xs[i]),
    );
    const byWasserstein = distributionGate({ pairs: ps, spec: { ...spec, decideBy: ['wasserstein'] } });
    expect(byWasserstein.status).toBe('passed');
    const byKs = distributionGate({ pairs: ps, spec: { ...spec, decideBy: ['ks'] } });
    expect(byKs.status).toBe('failed');
  });

  it('all one label on both sides: chi-square has nothing to test and does not fail', () => {
    const r = distributionGate({
      pairs: pairs(
        60,
        (i) => 0.9 + (i % 10) / 100,
        (i) => 0.9 + ((i + 3) % 10) / 100,
      ),
      spec,
    });
    expect(r.measured.chi2PValue).toBe(1);
    expect(r.status).toBe('passed');
  });

  it('too few usable pairs is inconclusive, and failed calls are left out', () => {
    const ps = pairs(
      20,
      () => 0.9,
      () => 0.9,
    );
    ps.push(pair(99, answer('spam', 0.9), { status: 500, error: 'x' }));
    const r = distributionGate({ pairs: ps, spec });
    expect(r.status).toBe('inconclusive');
    expect(r.measured.samples).toBe(20);
  });
});
