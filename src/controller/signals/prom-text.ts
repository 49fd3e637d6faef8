/** One sample of the Prometheus text exposition format (version 0.0.4). */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * Parse Prometheus text exposition (what prom-client's `registry.metrics()` writes): comments and
 * blank lines skipped, label values unescaped (\\, \", \n), values parsed with NaN/±Inf.
 * Malformed lines are skipped rather than failing the whole scrape.
 */
export function parsePromText(text: string): PromSample[] {
  const out: PromSample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const s = parseLine(line);
    if (s) out.push(s);
  }
  return out;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"/g;

function parseLine(line: string): PromSample | null {
  const m = LINE.exec(line);
  if (!m) return null;
  const value = parseValue(m[3]);
  if (value === undefined) return null;
  const labels: Record<string, string> = {};
  if (m[2] !== undefined) {
    const body = m[2];
    for (const l of body.matchAll(LABEL)) {
      labels[l[1]] = l[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    // Whatever is not a label must be a separator, else the line is malformed (e.g. an unclosed quote).
    if (body.replace(LABEL, '').replace(/[\s,]/g, '') !== '') return null;
  }
  return { name: m[1], labels, value };
}

function parseValue(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  if (v === '+Inf' || v === 'Inf') return Number.POSITIVE_INFINITY;
  if (v === '-Inf') return Number.NEGATIVE_INFINITY;
  if (v === 'NaN') return Number.NaN;
  const n = Number(v);
  return Number.isNaN(n) ? undefined : n;
}
