/**
 * Small PromQL builders shared by the alert rules, the Prometheus signal source and the Grafana
 * dashboard, so the three read the same series the same way.
 */

export type Matchers = Record<
  string,
  string | { re: string } | { not: string } | { notRe: string } | undefined
>;

/** A PromQL string literal (double-quoted; backslash and quote escaped as in Go). */
export function quote(value: string): string {
  return JSON.stringify(value);
}

/** `name{a="x",b=~"y"}`; undefined matchers are left out. */
export function selector(name: string, matchers: Matchers = {}): string {
  const parts: string[] = [];
  for (const [label, m] of Object.entries(matchers)) {
    if (m === undefined) continue;
    if (typeof m === 'string') parts.push(`${label}=${quote(m)}`);
    else if ('re' in m) parts.push(`${label}=~${quote(m.re)}`);
    else if ('notRe' in m) parts.push(`${label}!~${quote(m.notRe)}`);
    else parts.push(`${label}!=${quote(m.not)}`);
  }
  return parts.length ? `${name}{${parts.join(',')}}` : name;
}

/** A Prometheus duration for a whole number of seconds: 300 → "5m", 90 → "90s". */
export function duration(seconds: number): string {
  const s = Math.max(1, Math.round(seconds));
  if (s % 86400 === 0) return `${s / 86400}d`;
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}

/** Escape a value for use inside a regular-expression matcher. */
export function reEscape(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `histogram_quantile(q, sum by (by…, le) (rate(name_bucket{…}[window])))`. */
export function quantile(
  q: number,
  histogram: string,
  matchers: Matchers,
  window: string,
  by: string[] = [],
): string {
  return `histogram_quantile(${q}, sum by (${[...by, 'le'].join(', ')}) (rate(${selector(`${histogram}_bucket`, matchers)}[${window}])))`;
}

/** `sum by (by…) (fn(name{…}[window]))` with fn = rate or increase. */
export function summed(
  fn: 'rate' | 'increase',
  counter: string,
  matchers: Matchers,
  window: string,
  by: string[] = [],
): string {
  const grouping = by.length ? ` by (${by.join(', ')})` : '';
  return `sum${grouping} (${fn}(${selector(counter, matchers)}[${window}]))`;
}
