import { describe, expect, it } from 'vitest';
import { judgeSlices } from './slices.js';

const rules = { threshold: 0.95, minSamples: 20, alpha: 0.05 };

describe('judgeSlices', () => {
  it('anytime-valid p = 1/e per slice, BH across every slice (declared ones without pairs count), worst first', () => {
    const v = judgeSlices(
      new Map([
        ['a', { n: 20, agreed: 20 }],
        ['b', { n: 20, agreed: 14 }],
        ['c', { n: 5, agreed: 5 }],
        ['d', { n: 0, agreed: 0 }],
      ]),
      rules,
    );
    expect(v.map((s) => s.slice)).toEqual(['b', 'a', 'c', 'd']);
    const b = v[0];
    // e-value of 14/20 at t 0.95 is 169.7 (stats/slice-evidence.test.ts): p 0.005893, × 4 slices / rank 1
    expect(b.pValue).toBeCloseTo(1 / 169.70775, 5);
    expect(b.adjustedP).toBeCloseTo(4 / 169.70775, 5);
    expect(b).toMatchObject({ status: 'failed', failed: true, needs: 0 });
    expect(v.find((s) => s.slice === 'a')).toMatchObject({ status: 'enough', failed: false, pValue: 1 });
    expect(v.find((s) => s.slice === 'c')).toMatchObject({ status: 'short', needs: 15 });
    expect(v.find((s) => s.slice === 'd')).toMatchObject({
      status: 'short',
      needs: 20,
      agreement: null,
      lower: 0,
      upper: 1,
    });
  });

  it('an exempt slice that is short is `exempt`; one significantly bad still fails', () => {
    const v = judgeSlices(
      new Map([
        ['x', { n: 3, agreed: 3 }],
        ['y', { n: 3, agreed: 0 }],
      ]),
      { ...rules, exempt: new Set(['x', 'y']) },
    );
    expect(v.map((s) => [s.slice, s.status])).toEqual([
      ['y', 'failed'],
      ['x', 'exempt'],
    ]);
  });
});
