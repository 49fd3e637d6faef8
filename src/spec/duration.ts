const UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };

/** What a duration looks like as text; shared by the parser, its error messages and the JSON Schema. */
export const DURATION_PATTERN = '^([0-9]+(\\.[0-9]+)?(ms|s|m|h|d))+$';
const WHOLE = new RegExp(DURATION_PATTERN);
const PART = /([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)/g;

/**
 * A duration in seconds from a number (already seconds) or a string such as "500ms", "30s",
 * "2m", "1h", "7d" or "1h30m" (Prometheus' `for:` style). Undefined when it is neither.
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^[0-9]+(\.[0-9]+)?$/.test(text)) return Number(text);
  if (!WHOLE.test(text)) return undefined;
  let seconds = 0;
  for (const m of text.matchAll(PART)) seconds += Number(m[1]) * UNITS[m[2]];
  // Rounded so that "100ms" is 0.1, not 0.1 plus float noise.
  return Math.round(seconds * 1e6) / 1e6;
}

/** Shortest readable form of a duration in seconds: 604800 → "7d", 90 → "1m30s", 0.5 → "500ms". */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  let rest = Math.round(seconds * 1000) / 1000;
  let out = '';
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  if (rest > 0) out += `${Math.round(rest * 1000) / 1000}s`;
  return out;
}
