import { describe, expect, it } from 'vitest';
import { duration, quantile, reEscape, selector, summed } from './promql.js';

describe('promql builders', () => {
  it('selector quotes values and supports regex and negative matchers', () => {
    expect(selector('up')).toBe('up');
    expect(
      selector('m', { a: 'x"y', b: { re: 'p|q' }, c: { not: 'z' }, d: { notRe: 'r.*' }, e: undefined }),
    ).toBe('m{a="x\\"y",b=~"p|q",c!="z",d!~"r.*"}');
  });

  it('duration picks the largest whole unit', () => {
    expect([
      duration(30),
      duration(90),
      duration(300),
      duration(3600),
      duration(86400),
      duration(0.2),
    ]).toEqual(['30s', '90s', '5m', '1h', '1d', '1s']);
  });

  it('quantile sums buckets by le over a rate window (the seed forgot both)', () => {
    expect(quantile(0.95, 'h', { color: 'green' }, '5m', ['deployment'])).toBe(
      'histogram_quantile(0.95, sum by (deployment, le) (rate(h_bucket{color="green"}[5m])))',
    );
    expect(summed('increase', 'c_total', {}, '1m')).toBe('sum (increase(c_total[1m]))');
  });

  it('reEscape makes a literal safe inside =~', () => {
    expect(reEscape('model-server.blue')).toBe('model-server\\.blue');
  });
});
