import { describe, expect, it } from 'vitest';
import { defaultValidationSpec } from '../spec/validation-defaults.js';
import { formatPlan, planFor, sliceWarnings } from './sample-size-report.js';

describe('sample-size report', () => {
  it('at the seed’s cap of 150 it warns with the cap to use; the table has one row per true agreement', () => {
    const lines = formatPlan(planFor(defaultValidationSpec()));
    expect(lines[0]).toBe(
      'sample sizes: a fixed-n test needs 185 pairs; the sequential test needs, per true agreement:',
    );
    expect(lines.slice(2, 7).map((l) => l.trim().split(' ')[0])).toEqual([
      '0.910',
      '0.930',
      '0.950',
      '0.970',
      '0.990',
    ]);
    expect(lines.at(-1)).toMatch(
      /^warning: shadowTrafficSampleSize 150 is below the \d+ pairs .* use shadowTrafficSampleSize: \d+$/,
    );
    const enough = { ...defaultValidationSpec(), shadowTrafficSampleSize: 300 };
    expect(formatPlan(planFor(enough)).some((l) => l.startsWith('warning'))).toBe(false);
  });

  it('names a slice the cap cannot fill and one with fewer samples than the minimum; exempt slices are not named', () => {
    const spec = { ...defaultValidationSpec(), shadowTrafficSampleSize: 300 };
    const counts = new Map([
      ['plain', 930],
      ['rare', 47],
      ['tiny', 5],
    ]);
    const w = sliceWarnings(spec, counts, 982);
    expect(w).toEqual([
      'slice "rare" is 4.8% of the samples: it reaches minSliceSamples 20 only after about 418 pairs, above shadowTrafficSampleSize 300 (use 418, or list it in exemptSlices)',
      'slice "tiny" has only 5 samples, fewer than minSliceSamples 20: the agreement gate cannot pass (add samples, or list it in exemptSlices)',
    ]);
    expect(sliceWarnings({ ...spec, exemptSlices: ['rare', 'tiny'] }, counts, 982)).toEqual([]);
  });
});
