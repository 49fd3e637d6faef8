import { round } from './gates/result.js';
import type { SliceVerdict } from './gates/slices.js';
import type { Prediction } from './prediction.js';
import type { GateResult, GateStatus } from './types.js';
import { overallStatus } from './types.js';

const MARK: Record<GateStatus, string> = {
  skipped: 'SKIP',
  passed: 'PASS',
  failed: 'FAIL',
  inconclusive: 'INCONCLUSIVE',
  error: 'ERROR',
};

/**
 * Exit code of `greenlight validate`: 0 passed (skipped gates aside), 1 a gate failed, 2
 * inconclusive or error — or every gate skipped, since then nothing was checked.
 */
export function exitCodeFor(results: readonly GateResult[]): number {
  const s = overallStatus(results);
  return s === 'passed' ? 0 : s === 'failed' ? 1 : 2;
}

function pairs(rec: Record<string, unknown>): string {
  return Object.entries(rec)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(', ');
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

function describeAnswer(body: unknown): string {
  const b = body as { label?: unknown; score?: unknown; error?: unknown } | null;
  if (b && typeof b.label === 'string')
    return `${b.label} ${typeof b.score === 'number' ? b.score.toFixed(3) : '?'}`;
  if (b && b.error !== undefined) return `error: ${String(b.error)}`;
  return clip(JSON.stringify(body), 60);
}

/** A decoded prediction in a few characters: `spam 0.970`, `3.25`, `setosa (p 0.81)`. */
function describePrediction(p: Prediction | null | undefined, body: unknown): string {
  if (!p) return describeAnswer(body);
  if (p.value !== undefined) return String(round(p.value, 6));
  const score =
    p.score === undefined ? '' : p.probabilities ? ` (p ${p.score.toFixed(3)})` : ` ${p.score.toFixed(3)}`;
  return `${p.label}${score}`;
}

type Evidence = Record<string, unknown>;

function agreementLines(e: Evidence): string[] {
  const out: string[] = [];
  const slices = (e.slices as SliceVerdict[] | undefined) ?? [];
  for (const s of slices.slice(0, 5)) {
    const rate =
      s.agreement === null
        ? 'no pairs yet'
        : `${(s.agreement * 100).toFixed(1)}% of ${s.n} [${s.lower}, ${s.upper}]`;
    const note = {
      failed: '  ← fails',
      suspect: '  ← below the threshold by a one-look bound: holds the pass',
      short: `  ← needs ${s.needs} more pairs`,
      exempt: ` (exempt; ${s.needs} short)`,
      enough: '',
    }[s.status];
    out.push(`slice ${s.slice}: ${rate}, BH-adjusted anytime p ${s.adjustedP}${note}`);
  }
  const examples =
    (e.disagreements as {
      text: string;
      baseline: unknown;
      candidate: unknown;
      predictions?: { baseline: Prediction | null; candidate: Prediction | null };
      distance?: number;
    }[]) ?? [];
  for (const d of examples.slice(0, 3)) {
    out.push(
      `disagreement: "${clip(oneLine(d.text), 60)}" baseline ${describePrediction(d.predictions?.baseline, d.baseline)} → candidate ${describePrediction(d.predictions?.candidate, d.candidate)}${d.distance !== undefined ? ` (distance ${d.distance})` : ''}`,
    );
  }
  return out;
}

function schemaLines(e: Evidence): string[] {
  const d = e.diff as { missing: string[]; added: string[]; changed: unknown[] } | undefined;
  return d && d.missing.length + d.added.length + d.changed.length > 0 ? [`diff: ${JSON.stringify(d)}`] : [];
}

function distributionLines(e: Evidence): string[] {
  const breached = (e.breached as { stat: string; decides: boolean }[] | undefined) ?? [];
  return breached.length > 0
    ? [`breached: ${breached.map((b) => `${b.stat}${b.decides ? '' : ' (reported only)'}`).join(', ')}`]
    : [];
}

function latencyLines(e: Evidence): string[] {
  const b = e.baseline as { p50: number; p95: number; p99: number; rps: number } | undefined;
  return b ? [`baseline P50/P95/P99 ${b.p50}/${b.p95}/${b.p99}ms at ${b.rps} req/s`] : [];
}

const EVIDENCE_LINES: Partial<Record<GateResult['gate'], (e: Evidence) => string[]>> = {
  agreement: agreementLines,
  schema: schemaLines,
  distribution: distributionLines,
  latency: latencyLines,
};

/** Gate-specific evidence worth a line in the human report (JSON carries all of it). */
function evidenceLines(r: GateResult): string[] {
  const out = EVIDENCE_LINES[r.gate]?.(r.evidence) ?? [];
  const reason = r.evidence.reason;
  if (typeof reason === 'string' && r.status === 'error' && !r.summary.includes(reason))
    out.push(`reason: ${reason}`);
  return out;
}

/** The readable report: one block per gate (status, summary, measured vs threshold, evidence), then the verdict. */
export function formatReport(results: readonly GateResult[], header?: string): string {
  const lines: string[] = [];
  if (header) lines.push(header, '');
  for (const r of results) {
    lines.push(`${MARK[r.status].padEnd(12)} ${r.gate.padEnd(13)} ${r.summary}`);
    const m = pairs(r.measured);
    const t = pairs(r.threshold);
    if (m) lines.push(`${' '.repeat(27)}measured:  ${m}`);
    if (t) lines.push(`${' '.repeat(27)}threshold: ${t}`);
    for (const l of evidenceLines(r)) lines.push(`${' '.repeat(27)}${l}`);
  }
  const count = (s: GateStatus) => results.filter((r) => r.status === s).length;
  const overall = overallStatus(results);
  lines.push(
    '',
    `result: ${overall.toUpperCase()} (${count('passed')} passed, ${count('failed')} failed, ${count('inconclusive')} inconclusive, ${count('error')} error${count('skipped') ? `, ${count('skipped')} skipped` : ''})`,
  );
  return lines.join('\n');
}
