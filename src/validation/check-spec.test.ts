import { describe, expect, it } from 'vitest';
import type { GateName } from '../spec/types.js';
import { validationSpecProblems } from './check-spec.js';
import { defaultValidationSpec } from './defaults.js';

describe('validationSpecProblems', () => {
  it('accepts the defaults', () => {
    expect(validationSpecProblems(defaultValidationSpec())).toEqual([]);
  });

  it('names each bad threshold by its spec path', () => {
    const s = defaultValidationSpec();
    s.agreementThreshold = 1.5;
    s.sprt.alpha = 0;
    s.latency.maxRegressionRatio = 0.5;
    s.gates = ['health', 'vibes' as GateName];
    expect(validationSpecProblems(s).map((p) => p.path)).toEqual([
      'validation.agreementThreshold',
      'validation.sprt.alpha',
      'validation.latency.maxRegressionRatio',
      'validation.gates[1]',
    ]);
  });

  it('an indifference zone reaching below 0 is rejected', () => {
    const s = defaultValidationSpec();
    s.agreementThreshold = 0.01;
    s.sprt.indifference = 0.02;
    expect(validationSpecProblems(s)[0].path).toBe('validation.sprt.indifference');
  });
});
