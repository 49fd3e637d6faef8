import { describe, expect, it } from 'vitest';
import { createRandom } from '../../models/prng.js';
import { driftStatistics } from './drift.js';

describe('driftStatistics', () => {
  it('identical samples: everything at its "no drift" value', () => {
    const s = [0.1, 0.4, 0.4, 0.9, 0.95];
    const d = driftStatistics(s, [...s].reverse());
    expect(d).toMatchObject({ psi: 0, wasserstein: 0, js: 0, ks: { statistic: 0, pValue: 1 } });
  });

  it('disjoint samples: JS 1, KS D 1, Wasserstein = the gap', () => {
    const d = driftStatistics([0.01, 0.02, 0.03], [0.91, 0.92, 0.93]);
    expect(d.js).toBe(1);
    expect(d.ks.statistic).toBe(1);
    expect(d.wasserstein).toBeCloseTo(0.9, 12);
    expect(d.psi).toBeGreaterThan(10);
  });

  it('same distribution, independent draws: small drift; shifted: large drift', () => {
    const r = createRandom(7);
    const a = Array.from({ length: 3000 }, () => r.next());
    const b = Array.from({ length: 3000 }, () => r.next());
    const same = driftStatistics(a, b);
    expect(same.psi).toBeLessThan(0.02);
    expect(same.js).toBeLessThan(0.05);
    expect(same.wasserstein).toBeLessThan(0.03);
    expect(same.ks.pValue).toBeGreaterThan(0.001);
    const shifted = driftStatistics(
      a,
      b.map((x) => Math.min(1, x * 0.6 + 0.4)),
    );
    expect(shifted.psi).toBeGreaterThan(0.25);
    expect(shifted.ks.pValue).toBeLessThan(1e-6);
  });

  it('does not mutate its inputs', () => {
    const a = [0.9, 0.1];
    driftStatistics(a, [0.5]);
    expect(a).toEqual([0.9, 0.1]);
  });
});

describe('fused drift paths agree with the standalone statistics', () => {
  it('histogramSorted01 equals histogram01, edges and out-of-range values included', async () => {
    const { histogram01 } = await import('./histogram.js');
    const { histogramSorted01 } = await import('./drift.js');
    const r = createRandom(9);
    const xs = Float64Array.from([
      ...Array.from({ length: 500 }, () => r.next()),
      0,
      0.1,
      0.2,
      0.3,
      0.5,
      0.7,
      0.9,
      1,
      -0.2,
      1.3,
      0.30000000000000004,
    ]).sort();
    for (const bins of [2, 3, 7, 10, 64])
      expect([...histogramSorted01(xs, bins)]).toEqual([...histogram01(xs, bins)]);
  });

  it('ksAndWassersteinSorted equals ksStatisticSorted and wasserstein1Sorted, with ties', async () => {
    const { ksStatisticSorted } = await import('./ks.js');
    const { wasserstein1Sorted } = await import('./wasserstein.js');
    const { ksAndWassersteinSorted } = await import('./drift.js');
    const r = createRandom(10);
    const a = Float64Array.from({ length: 300 }, () => Math.round(r.next() * 20) / 20).sort();
    const b = Float64Array.from({ length: 200 }, () => Math.round(r.next() ** 2 * 20) / 20).sort();
    const f = ksAndWassersteinSorted(a, b);
    expect(f.d).toBeCloseTo(ksStatisticSorted(a, b), 14);
    expect(f.w1).toBeCloseTo(wasserstein1Sorted(a, b), 14);
  });
});
