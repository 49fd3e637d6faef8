import type { FieldProblem } from '../errors.js';
import type { ValidationSpec } from '../spec/types.js';
import { ALL_GATES } from './defaults.js';

/**
 * Threshold sanity the engine relies on (the spec parser checks types; this checks the numbers
 * make a test at all). Paths are spec paths, e.g. `validation.sprt.alpha`.
 */
export function validationSpecProblems(v: ValidationSpec): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const check = (path: string, value: number | undefined, ok: (x: number) => boolean, expected: string) => {
    if (value === undefined) return;
    if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value))
      problems.push({ path: `validation.${path}`, expected, found: String(value) });
  };
  const prob = (x: number) => x > 0 && x < 1;
  check('agreementThreshold', v.agreementThreshold, prob, 'a number between 0 and 1 (exclusive)');
  check('scoreTolerance', v.scoreTolerance, (x) => x >= 0 && x <= 1, 'a number from 0 to 1');
  check(
    'shadowTrafficSampleSize',
    v.shadowTrafficSampleSize,
    (x) => Number.isInteger(x) && x >= 1,
    'a whole number >= 1',
  );
  check('healthCheckWaitSeconds', v.healthCheckWaitSeconds, (x) => x > 0, 'a positive number of seconds');
  check(
    'healthCheckRetries',
    v.healthCheckRetries,
    (x) => Number.isInteger(x) && x >= 1,
    'a whole number >= 1',
  );
  check('timeoutSeconds', v.timeoutSeconds, (x) => x > 0, 'a positive number of seconds');
  check('sprt.alpha', v.sprt.alpha, prob, 'a probability between 0 and 1');
  check('sprt.beta', v.sprt.beta, prob, 'a probability between 0 and 1');
  check(
    'sprt.indifference',
    v.sprt.indifference,
    (x) => x > 0 && v.agreementThreshold - x > 0,
    'a positive number smaller than agreementThreshold',
  );
  check('latency.maxRegressionRatio', v.latency.maxRegressionRatio, (x) => x >= 1, 'a ratio >= 1');
  check(
    'latency.concurrency',
    v.latency.concurrency,
    (x) => Number.isInteger(x) && x >= 1 && x <= 1024,
    'a whole number from 1 to 1024',
  );
  check('latency.durationSeconds', v.latency.durationSeconds, (x) => x > 0, 'a positive number of seconds');
  check(
    'latency.warmupRequests',
    v.latency.warmupRequests,
    (x) => Number.isInteger(x) && x >= 0,
    'a whole number >= 0',
  );
  for (const k of ['p50Ms', 'p95Ms', 'p99Ms'] as const)
    check(`latency.${k}`, v.latency[k], (x) => x > 0, 'a positive number of milliseconds');
  check('distribution.psiThreshold', v.distribution.psiThreshold, (x) => x > 0, 'a positive number');
  check('distribution.ksPValue', v.distribution.ksPValue, prob, 'a p-value between 0 and 1');
  check('distribution.chi2PValue', v.distribution.chi2PValue, prob, 'a p-value between 0 and 1');
  check(
    'distribution.jsThreshold',
    v.distribution.jsThreshold,
    (x) => x > 0 && x <= 1,
    'a distance in (0, 1]',
  );
  check(
    'distribution.wassersteinThreshold',
    v.distribution.wassersteinThreshold,
    (x) => x > 0 && x <= 1,
    'a distance in (0, 1]',
  );
  check(
    'distribution.bins',
    v.distribution.bins,
    (x) => Number.isInteger(x) && x >= 2 && x <= 1000,
    'a whole number from 2 to 1000',
  );
  check('resources.maxRatioToBlue', v.resources.maxRatioToBlue, (x) => x >= 1, 'a ratio >= 1');
  check('resources.maxRssMb', v.resources.maxRssMb, (x) => x > 0, 'a positive number of MB');
  check('resources.maxCpuPercent', v.resources.maxCpuPercent, (x) => x > 0, 'a positive percentage');
  check('minSliceSamples', v.minSliceSamples, (x) => Number.isInteger(x) && x >= 1, 'a whole number >= 1');
  check(
    'maxDisagreementExamples',
    v.maxDisagreementExamples,
    (x) => Number.isInteger(x) && x >= 0,
    'a whole number >= 0',
  );
  v.gates.forEach((g, i) => {
    if (!ALL_GATES.includes(g))
      problems.push({
        path: `validation.gates[${i}]`,
        expected: `one of ${ALL_GATES.join(', ')}`,
        found: JSON.stringify(g),
      });
  });
  return problems;
}
