/**
 * Metric names referenced by a PromQL expression. A small lexer, not a parser: it removes string
 * literals, label matchers `{…}`, range/subquery brackets `[…]` and grouping label lists
 * (`by (…)`, `on (…)`, …), then keeps identifiers that are not functions, keywords or durations.
 * Good enough to check generated expressions against names.ts; the real Prometheus parses them
 * in the tests that have one.
 */
const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'bool',
  'inf',
  'nan',
  'atan2',
  'start',
  'end',
]);

export function metricNamesIn(expr: string): string[] {
  let s = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  s = s.replace(/\{[^}]*\}/g, ' ');
  s = s.replace(/\[[^\]]*\]/g, ' ');
  s = s.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const m of s.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const word = m[0];
    const start = m.index ?? 0;
    const before = s[start - 1];
    if (before !== undefined && /[0-9.]/.test(before)) continue; // part of a number or duration (5m, 1e3)
    const after = s.slice(start + word.length).trimStart();
    if (after.startsWith('(')) continue; // a function call
    if (KEYWORDS.has(word.toLowerCase())) continue;
    if (word.startsWith('$')) continue;
    names.add(word);
  }
  return [...names].sort();
}
