import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { binsFromBuckets, histogramQuantile } from './histogram.js';
import { parsePromText } from './prom-text.js';

describe('Prometheus text parsing', () => {
  it('parses what prom-client writes, including histograms and escaped labels', async () => {
    const reg = new Registry();
    const c = new Counter({ name: 'x_total', help: 'h', labelNames: ['a'], registers: [reg] });
    c.inc({ a: 'quote " back \\ nl \n end' }, 3);
    const h = new Histogram({ name: 'lat_seconds', help: 'h', buckets: [0.1, 1], registers: [reg] });
    h.observe(0.05);
    h.observe(5);
    const samples = parsePromText(await reg.metrics());
    expect(samples.find((s) => s.name === 'x_total')).toEqual({
      name: 'x_total',
      labels: { a: 'quote " back \\ nl \n end' },
      value: 3,
    });
    const buckets = samples.filter((s) => s.name === 'lat_seconds_bucket').map((s) => [s.labels.le, s.value]);
    expect(buckets).toEqual([
      ['0.1', 1],
      ['1', 1],
      ['+Inf', 2],
    ]);
  });

  it('skips comments and malformed lines, reads special values', () => {
    const s = parsePromText(
      '# HELP a b\n\na 1\nb{c="d"} +Inf 1700000000\nbroken{x="y} 1\nc NaN\nd notanumber\n',
    );
    expect(s.map((x) => x.name)).toEqual(['a', 'b', 'c']);
    expect(s[1].value).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('histogram maths', () => {
  it('histogram_quantile interpolates inside the bucket like Prometheus', () => {
    // 100 observations: 50 in (0,0.1], 50 in (0.1,0.2]
    const b = new Map([
      [0.1, 50],
      [0.2, 100],
      [Number.POSITIVE_INFINITY, 100],
    ]);
    expect(histogramQuantile(0.5, b)).toBeCloseTo(0.1);
    expect(histogramQuantile(0.95, b)).toBeCloseTo(0.19);
    expect(histogramQuantile(0.95, new Map([[Number.POSITIVE_INFINITY, 0]]))).toBeNull();
    expect(
      histogramQuantile(
        0.99,
        new Map([
          [1, 1],
          [Number.POSITIVE_INFINITY, 10],
        ]),
      ),
    ).toBe(1);
  });

  it('bins come from cumulative buckets over [0,1]', () => {
    const b = new Map([
      [0.5, 3],
      [1, 10],
      [Number.POSITIVE_INFINITY, 10],
    ]);
    expect(binsFromBuckets(b)).toEqual([3, 7]);
  });
});
