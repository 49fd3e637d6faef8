import { describe, expect, it } from 'vitest';
import { metricNamesIn } from './promql-names.js';

describe('metricNamesIn', () => {
  it('finds metric names and ignores functions, labels, keywords, durations and strings', () => {
    const expr = `histogram_quantile(0.95, sum by (deployment, le) (rate(model_server_latency_seconds_bucket{color="green", job=~"a|b"}[5m])))
      > 1.2 * on (deployment) group_left (color) histogram_quantile(0.95, sum by (deployment, le) (rate(x_bucket{color="blue"}[1h] offset 10m)))
      and on (deployment) greenlight_rollout_phase{phase="WaitingReady"} == 1 unless absent(up) or vector(1) > bool 2e3`;
    expect(metricNamesIn(expr)).toEqual([
      'greenlight_rollout_phase',
      'model_server_latency_seconds_bucket',
      'up',
      'x_bucket',
    ]);
  });

  it('finds a bare metric and a name with colons', () => {
    expect(metricNamesIn('job:requests:rate5m')).toEqual(['job:requests:rate5m']);
    expect(metricNamesIn('time() - greenlight_rollout_phase_since_seconds > 300')).toEqual([
      'greenlight_rollout_phase_since_seconds',
    ]);
  });
});
