import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Color } from '../spec/types.js';
import { GATE_STATUSES, type GateResult } from '../validation/types.js';
import { CONTROLLER } from './names.js';
import { ROLLOUT_PHASES } from './rollout-phases.js';

/** What the controller and the control plane report; every method is cheap and never throws. */
export interface ControllerMetrics {
  /**
   * The rollout of `deployment` is in `phase` (1 for it, 0 for every other phase), since `sinceMs`
   * (default now). A restarted control plane passes the persisted phase start, so the stuck-rollout
   * alert still sees how long the phase has lasted.
   */
  setPhase(deployment: string, phase: string, sinceMs?: number): void;
  /** `color` now serves users with model `version`; replaces the previous info series of `deployment`. */
  setActive(deployment: string, color: Color, version: string): void;
  switched(deployment: string, reason: string): void;
  rolledBack(deployment: string, reason: string): void;
  /** A gate's latest result: status as a 1-of-N gauge, numeric measurements as gauges. */
  gateResult(
    deployment: string,
    gate: string,
    status: GateResult['status'],
    measured: GateResult['measured'],
  ): void;
  /** Time a finished phase took. */
  phaseSeconds(deployment: string, phase: string, seconds: number): void;
  auditWritten(): void;
  shadowCompared(deployment: string, agreed: boolean): void;
  /** Drop every series of a deleted deployment. */
  forget(deployment: string): void;
}

/** Buckets from one second to a week: phases range from a switch (ms) to observation (days). */
const PHASE_BUCKETS = [1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 86400, 7 * 86400];

/**
 * Register the controller's metrics on `registry` (one per control plane; no global registry) and
 * return the recorder. `now` returns milliseconds since the epoch (injected clock).
 */
export function createControllerMetrics(registry: Registry, now: () => number = Date.now): ControllerMetrics {
  const registers = [registry];
  const phase = new Gauge({
    name: CONTROLLER.phase,
    help: 'Current rollout phase of a deployment: 1 for the current phase, 0 for the others',
    labelNames: ['deployment', 'phase'],
    registers,
  });
  const phaseSince = new Gauge({
    name: CONTROLLER.phaseSince,
    help: 'Unix time in seconds at which the current rollout phase started',
    labelNames: ['deployment'],
    registers,
  });
  const activeInfo = new Gauge({
    name: CONTROLLER.activeInfo,
    help: 'The color serving users and its model version (value is always 1)',
    labelNames: ['deployment', 'color', 'version'],
    registers,
  });
  const switches = new Counter({
    name: CONTROLLER.switches,
    help: 'Traffic switches to the candidate color',
    labelNames: ['deployment', 'reason'],
    registers,
  });
  const rollbacks = new Counter({
    name: CONTROLLER.rollbacks,
    help: 'Rollbacks to the previous color',
    labelNames: ['deployment', 'reason'],
    registers,
  });
  const gateStatus = new Gauge({
    name: CONTROLLER.gateStatus,
    help: 'Latest result of a validation gate: 1 for its status, 0 for the others',
    labelNames: ['deployment', 'gate', 'status'],
    registers,
  });
  const gateMeasured = new Gauge({
    name: CONTROLLER.gateMeasured,
    help: 'Latest numeric measurement of a validation gate',
    labelNames: ['deployment', 'gate', 'measure'],
    registers,
  });
  const phaseDuration = new Histogram({
    name: CONTROLLER.phaseDuration,
    help: 'Time spent in a rollout phase',
    labelNames: ['deployment', 'phase'],
    buckets: PHASE_BUCKETS,
    registers,
  });
  const audit = new Counter({ name: CONTROLLER.auditRecords, help: 'Audit records written', registers });
  const shadow = new Counter({
    name: CONTROLLER.shadowPairs,
    help: 'Shadow pairs compared, by outcome',
    labelNames: ['deployment', 'outcome'],
    registers,
  });
  // Measures reported per (deployment, gate), so a measure missing from a later result is removed
  // instead of showing a stale value.
  const measures = new Map<string, Set<string>>();
  const active = new Map<string, { color: string; version: string }>();
  // Every label set written per deployment: prom-client 15 removes a series only by its full label set.
  const series = new Map<string, Map<string, () => void>>();
  const track = <L extends { deployment: string }>(
    name: string,
    metric: Removable<NoInfer<L>>,
    labels: L,
  ): void => {
    let own = series.get(labels.deployment);
    if (!own) {
      own = new Map();
      series.set(labels.deployment, own);
    }
    own.set(`${name}${JSON.stringify(labels)}`, () => metric.remove(labels));
  };

  return {
    setPhase(deployment, current, sinceMs) {
      const known = (ROLLOUT_PHASES as readonly string[]).includes(current);
      for (const p of known ? ROLLOUT_PHASES : [...ROLLOUT_PHASES, current]) {
        phase.set({ deployment, phase: p }, p === current ? 1 : 0);
        track(CONTROLLER.phase, phase, { deployment, phase: p });
      }
      phaseSince.set({ deployment }, (sinceMs ?? now()) / 1000);
      track(CONTROLLER.phaseSince, phaseSince, { deployment });
      // Shadow series start at zero so a ratio over them exists before the first disagreement.
      for (const outcome of ['agreed', 'disagreed']) {
        shadow.inc({ deployment, outcome }, 0);
        track(CONTROLLER.shadowPairs, shadow, { deployment, outcome });
      }
    },
    setActive(deployment, color, version) {
      const previous = active.get(deployment);
      if (previous) activeInfo.remove({ deployment, ...previous });
      active.set(deployment, { color, version });
      activeInfo.set({ deployment, color, version }, 1);
      track(CONTROLLER.activeInfo, activeInfo, { deployment, color, version });
    },
    switched(deployment, reason) {
      switches.inc({ deployment, reason });
      track(CONTROLLER.switches, switches, { deployment, reason });
    },
    rolledBack(deployment, reason) {
      rollbacks.inc({ deployment, reason });
      track(CONTROLLER.rollbacks, rollbacks, { deployment, reason });
    },
    gateResult(deployment, gate, status, measured) {
      for (const s of GATE_STATUSES) {
        gateStatus.set({ deployment, gate, status: s }, s === status ? 1 : 0);
        track(CONTROLLER.gateStatus, gateStatus, { deployment, gate, status: s });
      }
      const key = `${deployment}\u0000${gate}`;
      const seen = new Set<string>();
      for (const [measure, value] of Object.entries(measured)) {
        if (typeof value !== 'number' || !Number.isFinite(value)) continue;
        gateMeasured.set({ deployment, gate, measure }, value);
        track(CONTROLLER.gateMeasured, gateMeasured, { deployment, gate, measure });
        seen.add(measure);
      }
      for (const measure of measures.get(key) ?? []) {
        if (!seen.has(measure)) gateMeasured.remove({ deployment, gate, measure });
      }
      measures.set(key, seen);
    },
    phaseSeconds(deployment, p, seconds) {
      if (!Number.isFinite(seconds) || seconds < 0) return;
      phaseDuration.observe({ deployment, phase: p }, seconds);
      track(CONTROLLER.phaseDuration, phaseDuration, { deployment, phase: p });
    },
    auditWritten() {
      audit.inc();
    },
    shadowCompared(deployment, agreed) {
      shadow.inc({ deployment, outcome: agreed ? 'agreed' : 'disagreed' });
      track(CONTROLLER.shadowPairs, shadow, { deployment, outcome: agreed ? 'agreed' : 'disagreed' });
    },
    forget(deployment) {
      for (const remove of series.get(deployment)?.values() ?? []) remove();
      series.delete(deployment);
      active.delete(deployment);
      for (const key of measures.keys()) if (key.startsWith(`${deployment}\u0000`)) measures.delete(key);
    },
  };
}

/** The part of a prom-client metric `forget` needs. */
interface Removable<L> {
  remove(labels: L): void;
}
