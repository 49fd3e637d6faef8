import { describe, expect, it } from 'vitest';
import { valueDrift } from './value-drift.js';

describe('drift of regression values', () => {
  const base = Array.from({ length: 400 }, (_, i) => 100 + ((i * 37) % 400) / 4); // 100..199.75, uniform
  it('no drift for the same values in another order; PSI bins are the baseline quantiles', () => {
    const d = valueDrift(base, [...base].reverse(), 10);
    expect(d.psi).toBeCloseTo(0, 9);
    expect(d.ks.statistic).toBe(0);
    expect(d.wasserstein).toBe(0);
    // each of the 10 quantile bins holds a tenth of the baseline
    const counts = Array(10).fill(0);
    for (const u of d.unit.baseline) counts[Math.min(9, Math.floor(u * 10))]++;
    expect(counts).toEqual(Array(10).fill(40));
  });

  it('a shift of a tenth of the range: W1 0.1 of the range, KS rejects, PSI sees the bins move', () => {
    const d = valueDrift(
      base,
      base.map((v) => v + 10),
      10,
    );
    expect(d.wasserstein).toBeCloseTo(10 / 99.75, 6);
    expect(d.ks.statistic).toBeCloseTo(0.1, 2);
    expect(d.psi).toBeGreaterThan(0.25);
  });

  it('is scale-free: the same shape at any scale gives the same W1 and PSI', () => {
    const a = valueDrift(
      base,
      base.map((v) => v * 1.05),
      10,
    );
    const b = valueDrift(
      base.map((v) => v * 1e6),
      base.map((v) => v * 1.05e6),
      10,
    );
    expect(b.wasserstein).toBeCloseTo(a.wasserstein, 9);
    expect(b.psi).toBeCloseTo(a.psi, 9);
  });
});
