import { existsSync } from 'node:fs';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createControllerMetrics } from './controller-metrics.js';
import { knownSeries } from './names.js';
import { ROLLOUT_PHASES } from './rollout-phases.js';

async function sample(
  registry: Registry,
  name: string,
  labels: Record<string, string>,
): Promise<number | undefined> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const found = metric?.values.find((v) =>
    Object.entries(labels).every(([k, val]) => (v.labels as Record<string, unknown>)[k] === val),
  );
  return found?.value;
}

function setup() {
  const registry = new Registry();
  let clock = 1_700_000_000_000;
  const metrics = createControllerMetrics(registry, () => clock);
  return { registry, metrics, advance: (ms: number) => (clock += ms) };
}

describe('createControllerMetrics', () => {
  it('exports one phase series per phase with 1 on the current one and records when it started', async () => {
    const { registry, metrics, advance } = setup();
    metrics.setPhase('spam', 'Validating');
    advance(5000);
    metrics.setPhase('spam', 'Observing');
    const text = await registry.metrics();
    for (const p of ROLLOUT_PHASES) {
      expect(text).toContain(
        `greenlight_rollout_phase{deployment="spam",phase="${p}"} ${p === 'Observing' ? 1 : 0}`,
      );
    }
    expect(await sample(registry, 'greenlight_rollout_phase_since_seconds', { deployment: 'spam' })).toBe(
      1_700_000_005,
    );
  });

  it('takes the phase start from the caller after a restart', async () => {
    const { registry, metrics } = setup();
    metrics.setPhase('spam', 'Validating', 1_600_000_000_000);
    expect(await sample(registry, 'greenlight_rollout_phase_since_seconds', { deployment: 'spam' })).toBe(
      1_600_000_000,
    );
  });

  it('keeps one active-info series per deployment', async () => {
    const { registry, metrics } = setup();
    metrics.setActive('spam', 'blue', 'v1');
    metrics.setActive('spam', 'green', 'v2');
    metrics.setActive('other', 'blue', 'v9');
    const text = await registry.metrics();
    expect(text).toContain('greenlight_active_info{deployment="spam",color="green",version="v2"} 1');
    expect(text).not.toContain('version="v1"');
    expect(text).toContain('greenlight_active_info{deployment="other",color="blue",version="v9"} 1');
  });

  it('counts switches, rollbacks, audit records and shadow outcomes', async () => {
    const { registry, metrics } = setup();
    metrics.setPhase('spam', 'Validating');
    metrics.switched('spam', 'auto');
    metrics.rolledBack('spam', 'errorRate');
    metrics.rolledBack('spam', 'errorRate');
    metrics.auditWritten();
    metrics.shadowCompared('spam', true);
    metrics.shadowCompared('spam', true);
    metrics.shadowCompared('spam', false);
    expect(await sample(registry, 'greenlight_switches_total', { reason: 'auto' })).toBe(1);
    expect(await sample(registry, 'greenlight_rollbacks_total', { reason: 'errorRate' })).toBe(2);
    expect(await sample(registry, 'greenlight_audit_records_total', {})).toBe(1);
    expect(await sample(registry, 'greenlight_shadow_pairs_total', { outcome: 'agreed' })).toBe(2);
    expect(await sample(registry, 'greenlight_shadow_pairs_total', { outcome: 'disagreed' })).toBe(1);
  });

  it('records gate status as 1-of-N and numeric measurements, dropping stale ones', async () => {
    const { registry, metrics } = setup();
    metrics.gateResult('spam', 'latency', 'failed', { p95Ms: 61, ratio: 1.4, note: 'slow' });
    metrics.gateResult('spam', 'latency', 'passed', { p95Ms: 12 });
    const text = await registry.metrics();
    expect(text).toContain('greenlight_gate_status{deployment="spam",gate="latency",status="passed"} 1');
    expect(text).toContain('greenlight_gate_status{deployment="spam",gate="latency",status="failed"} 0');
    expect(text).toContain('greenlight_gate_measured{deployment="spam",gate="latency",measure="p95Ms"} 12');
    expect(text).not.toContain('measure="ratio"');
    expect(text).not.toContain('measure="note"');
  });

  it('observes phase durations and forgets a deleted deployment', async () => {
    const { registry, metrics } = setup();
    metrics.setPhase('spam', 'Observing');
    metrics.setActive('spam', 'green', 'v2');
    metrics.phaseSeconds('spam', 'Validating', 42);
    metrics.phaseSeconds('spam', 'Validating', Number.NaN);
    const before = await registry.metrics();
    expect(before).toContain(
      'greenlight_phase_duration_seconds_bucket{le="60",deployment="spam",phase="Validating"} 1',
    );
    expect(before).toContain(
      'greenlight_phase_duration_seconds_bucket{le="15",deployment="spam",phase="Validating"} 0',
    );
    expect(before).toContain(
      'greenlight_phase_duration_seconds_count{deployment="spam",phase="Validating"} 1',
    );
    metrics.setPhase('keep', 'Pending');
    metrics.forget('spam');
    const text = await registry.metrics();
    expect(text).not.toContain('deployment="spam"');
    expect(text).toContain('deployment="keep"');
  });

  it('exports only names listed in names.ts', async () => {
    const { registry, metrics } = setup();
    metrics.setPhase('spam', 'Pending');
    metrics.setActive('spam', 'blue', 'v1');
    metrics.switched('spam', 'auto');
    metrics.rolledBack('spam', 'operator');
    metrics.gateResult('spam', 'agreement', 'passed', { agreement: 0.98 });
    metrics.phaseSeconds('spam', 'Pending', 1);
    metrics.auditWritten();
    const known = knownSeries(['controller']);
    const names = (await registry.metrics())
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.split(/[{ ]/)[0]);
    expect(names.length).toBeGreaterThan(20);
    for (const n of names) expect(known, n).toContain(n);
  });

  it('passes `promtool check metrics`', async (ctx) => {
    if (!existsSync('/usr/bin/promtool')) {
      console.warn(
        '!! SKIPPED: promtool is not installed (apt-get install prometheus); metrics lint not run',
      );
      ctx.skip();
    }
    const { registry, metrics } = setup();
    metrics.setPhase('spam', 'Observing');
    metrics.setActive('spam', 'green', 'v2');
    metrics.switched('spam', 'auto');
    metrics.rolledBack('spam', 'latencyRegression');
    metrics.gateResult('spam', 'latency', 'passed', { p95Ms: 3 });
    metrics.phaseSeconds('spam', 'Validating', 12);
    metrics.auditWritten();
    metrics.shadowCompared('spam', false);
    const { lintMetrics } = await import('./promtool.js');
    const result = await lintMetrics(await registry.metrics());
    expect(result.problems, result.output).toEqual([]);
  });
});
