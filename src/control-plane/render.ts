import type { AuditRecord, RolloutRecord } from '../store/types.js';
import type { GateResult } from '../validation/types.js';
import type { DeploymentView } from './deployment-view.js';

/** Plain-words rendering of API views for the CLI (kept apart from the commands so they stay thin). */

export function ago(ms: number | null | undefined, now = Date.now()): string {
  if (ms == null) return '-';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

function pad(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function versions(v: DeploymentView['versions'], active: string | null): string {
  return (['blue', 'green'] as const)
    .filter((c) => v[c] !== undefined)
    .map((c) => `${c}=${v[c]}${c === active ? '*' : ''}`)
    .join(' ');
}

/** One line per deployment. */
export function renderList(views: DeploymentView[]): string {
  if (views.length === 0) return 'no deployments yet; apply one with `greenlight deploy SPEC.yaml`';
  const rows = [['NAME', 'ACTIVE', 'VERSIONS (*=active)', 'ROLLOUT', 'PHASE', 'UPDATED']];
  for (const v of views) {
    rows.push([
      v.name,
      v.activeColor ?? '-',
      versions(v.versions, v.activeColor) || '-',
      v.rollout ? `#${v.rollout.id}` : '-',
      v.phase,
      ago(v.updatedAt),
    ]);
  }
  return pad(rows);
}

export function renderGate(g: GateResult): string {
  return `${g.status.padEnd(12)} ${g.gate.padEnd(12)} ${g.summary}`;
}

/** What a running rollout is waiting for, from the controller's description. */
function progressLines(v: DeploymentView): string[] {
  const s = v.status?.rollout;
  if (!s || s.terminal) return [];
  const at = (ms: number) => new Date(ms).toISOString();
  return [
    s.samples ? `  samples        ${s.samples.compared}/${s.samples.target} compared` : '',
    s.switchAt ? `  switch at      ${at(s.switchAt)}` : '',
    s.step
      ? `  step           ${s.step.number}/${s.step.of}: ${s.step.weight}% of traffic to ${s.candidate}, ${s.step.pauseEndsAt ? `next step at ${at(s.step.pauseEndsAt)}` : 'until `greenlight promote`'}`
      : '',
    s.observationEndsAt ? `  observing until ${at(s.observationEndsAt)}` : '',
    s.baselineScaled && !s.baselineScaled.restored && s.baselineScaled.to < s.baselineScaled.from
      ? `  previous slot  ${s.baseline} kept warm at ${s.baselineScaled.to} of ${s.baselineScaled.from} replicas`
      : '',
    s.lastError ? `  retrying       ${s.lastError}` : '',
  ].filter((l) => l !== '');
}

/** Everything about one deployment. */
export function renderView(v: DeploymentView): string {
  const lines = [`deployment ${v.name}`];
  lines.push(`  active color   ${v.activeColor ?? 'none yet'}`);
  lines.push(`  versions       ${versions(v.versions, v.activeColor) || 'nothing running'}`);
  lines.push(`  generation     ${v.generation}`);
  const r = v.rollout;
  if (r) {
    lines.push(`  rollout #${r.id}    ${r.phase}${r.reason ? ` (${r.reason})` : ''}`);
    lines.push(
      `                 ${r.baselineVersion ?? 'nothing'} on ${r.baseline} -> ${r.candidateVersion} on ${r.candidate}, started ${ago(r.startedAt)}`,
    );
    for (const g of r.gateResults) lines.push(`    ${renderGate(g)}`);
  }
  lines.push(...progressLines(v));
  for (const i of v.pendingIntents) {
    lines.push(
      `  pending        ${i.kind} by ${i.actor}${i.reason ? ` (${i.reason})` : ''}, ${ago(i.createdAt)}`,
    );
  }
  return lines.join('\n');
}

/** A table of rollouts, newest first. */
export function renderHistory(name: string, rollouts: RolloutRecord[]): string {
  if (rollouts.length === 0) return `no rollouts of ${name} yet`;
  const rows = [['ROLLOUT', 'STARTED', 'FROM', 'TO', 'PHASE', 'TOOK', 'REASON']];
  for (const r of rollouts) {
    const took = r.endedAt ? `${Math.round((r.endedAt - r.startedAt) / 1000)}s` : 'running';
    rows.push([
      `#${r.id}`,
      new Date(r.startedAt).toISOString().replace('T', ' ').slice(0, 19),
      `${r.baselineVersion ?? '-'} (${r.baseline})`,
      `${r.candidateVersion} (${r.candidate})`,
      r.phase,
      took,
      r.reason ?? '',
    ]);
  }
  return pad(rows);
}

type Line = (t: string, a: AuditRecord, str: (k: string) => string | undefined) => string | undefined;

const paren = (v: string | undefined) => (v ? ` (${v})` : '');

const LINES: Record<string, Line> = {
  transition: (t, _a, str) => `${t}  ${str('from') ?? '?'} -> ${str('to') ?? '?'}${paren(str('reason'))}`,
  gate: (t, a) => {
    const d = a.data as { result?: Partial<GateResult> } & Partial<GateResult>;
    const g = d.result ?? d;
    return g.gate ? `${t}    gate ${renderGate(g as GateResult)}` : undefined;
  },
  weights: (t, _a, str) => `${t}  step ${str('step')}/${str('of')}: ${str('statement')}`,
  scale: (t, _a, str) =>
    `${t}  ${str('color')} scaled ${str('from')} -> ${str('to')} replicas${paren(str('why'))}`,
  command: (t, a, str) => `${t}  ${a.actor} asked to ${str('command')}${paren(str('reason'))}`,
  intent: (t, a, str) =>
    a.data.accepted === false
      ? `${t}  ${str('intent')} refused: ${str('why') ?? 'no reason given'}`
      : `${t}  controller accepted ${str('intent')}${paren(str('why'))}`,
  rollout: (t, a, str) =>
    a.data.bootstrap
      ? `${t}  rollout #${a.rolloutId} started: bootstrap ${str('candidateVersion')} on ${str('candidate')}`
      : `${t}  rollout #${a.rolloutId} started: ${str('baselineVersion') ?? '-'} on ${str('baseline')} -> ${str('candidateVersion')} on ${str('candidate')}`,
};

/** One audit record as a progress line; undefined for records not worth a line. */
export function renderAuditLine(a: AuditRecord): string | undefined {
  const d = a.data as Record<string, unknown>;
  const t = new Date(a.time).toISOString().slice(11, 19);
  const str = (k: string) =>
    typeof d[k] === 'string' || typeof d[k] === 'number' ? String(d[k]) : undefined;
  const line = LINES[a.kind];
  if (line) return line(t, a, str);
  const summary = str('summary') ?? str('message') ?? str('event') ?? str('reason');
  return `${t}  ${a.kind}${summary ? `: ${summary}` : ''}`;
}
