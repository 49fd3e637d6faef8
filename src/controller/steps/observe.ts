import type { ColorSignals } from '../../metrics/types.js';
import { patchContext } from '../commit.js';
import { evaluateRules } from '../observe/rules.js';
import { signalWindowSeconds } from '../observe/window.js';
import type { RolloutContext } from '../rollout-context.js';
import { scaleDownBaseline } from './baseline-replicas.js';
import type { Step, StepInput, StepResult } from './step.js';

const NO_DATA: ColorSignals = {
  p95LatencySeconds: null,
  errorRatio: null,
  requests: null,
  errors: null,
  readyReplicas: null,
  scoreBins: null,
};

/**
 * Observing: first scale the previous slot down to observation.baselineReplicas (when set); then
 * every observation.intervalSeconds, evaluate the rules on the candidate's signals and
 * roll back on a firing rule; once the window has passed, run the seed's safety checks
 * (cleanup-blue.sh) before allowing teardown of the previous slot.
 */
export const observe: Step = async (input) => {
  await scaleDownBaseline(input);
  const { deps, ctx, spec } = input;
  const now = deps.clock.now();
  if (now >= (ctx.nextEvalAt ?? 0)) {
    const breach = await evaluate(input, now);
    if (breach) return breach;
  }
  if (now < (input.ctx.switched?.switchedAt ?? now) + spec.observation.window * 1000) return 'wait';
  // A pending rule may be about to fire: keep the previous slot as the fallback until it settles.
  const pending = Object.values(input.ctx.rules ?? {}).some((r) => r?.state === 'pending');
  if (pending) return 'wait';
  return safetyChecks(input);
};

/**
 * One evaluation of the rules, continuing the persisted rule states. After the switch the
 * candidate is compared with the baseline captured just before it; while traffic is split
 * (`live`), with the baseline's own share read for the same window in the same pass: same
 * load, same time.
 */
export async function evaluate(
  input: StepInput,
  now: number,
  live?: { where: string },
): Promise<StepResult | null> {
  const { deps, rollout, ctx, spec, actor } = input;
  const obs = spec.observation;
  const window = signalWindowSeconds(obs);
  const read = (color: typeof rollout.candidate) =>
    deps.signals.read(spec.name, color, window).catch((err: Error) => {
      // Unavailable signals are no data: never a breach, never a reason to fail the rollout.
      deps.log.warn('observation signals unavailable', { color, error: err.message });
      return NO_DATA;
    });
  const [signals, base] = await Promise.all([
    read(rollout.candidate),
    live ? read(rollout.baseline) : Promise.resolve(undefined),
  ]);
  const prev = ctx.observed ?? { requests: 0, errors: 0, scoreBins: null, evaluations: 0 };
  const observed: NonNullable<RolloutContext['observed']> = {
    requests: prev.requests + (signals.requests ?? 0),
    errors: prev.errors + (signals.errors ?? 0),
    scoreBins: addBins(prev.scoreBins, signals.scoreBins),
    evaluations: prev.evaluations + 1,
  };
  const baselineScoreBins = base ? addBins(ctx.baselineScoreBins ?? null, base.scoreBins) : undefined;
  const baseline = base
    ? { p95LatencySeconds: base.p95LatencySeconds, scoreBins: baselineScoreBins ?? null }
    : ctx.baselineSignals;
  const ev = evaluateRules(
    obs.rules,
    { candidate: signals, baseline, candidateScoreBins: observed.scoreBins },
    ctx.rules ?? {},
    now,
  );
  const nextEvalAt = now + obs.intervalSeconds * 1000;
  const changes = ev.changed.map((name) => ({
    time: now,
    kind: 'alert',
    actor,
    data: { rule: name, ...ev.states[name], ...(live ? { where: live.where } : {}) },
  }));
  const patch: Partial<RolloutContext> = {
    rules: ev.states,
    observed,
    nextEvalAt,
    ...(base ? { baselineScoreBins } : {}),
  };
  if (ev.firing && obs.rollbackOnAlert) {
    const s = ev.states[ev.firing];
    const at = live ? ` ${live.where}` : '';
    const detail = `${ev.firing}: measured ${s.measured} > threshold ${s.threshold} for ${obs.rules[ev.firing].forSeconds}s${at}`;
    return {
      event: 'ruleBreached',
      reason: `rule ${detail}`,
      context: {
        ...patch,
        breach: { rule: ev.firing, measured: s.measured, threshold: s.threshold, detail },
      },
      audit: {
        rule: ev.firing,
        measured: s.measured,
        threshold: s.threshold,
        forSeconds: obs.rules[ev.firing].forSeconds,
      },
      extraAudit: changes,
    };
  }
  const updated = patchContext(deps.store, rollout.id, patch, changes);
  input.ctx = updated.context as RolloutContext;
  return null;
}

async function safetyChecks(input: StepInput): Promise<StepResult> {
  const { deps, rollout, ctx, spec } = input;
  const state = await deps.router.state();
  if (state.active !== rollout.candidate) {
    return {
      event: 'teardownRefused',
      reason: `teardown refused: the router serves ${state.active}, not ${rollout.candidate}; both slots kept`,
      audit: { routerActive: state.active },
    };
  }
  const errors = ctx.observed?.errors ?? 0;
  if (errors > spec.teardown.maxGreenErrors) {
    return {
      event: 'teardownRefused',
      reason: `teardown refused: ${rollout.candidate} logged ${errors} errors in the window (limit ${spec.teardown.maxGreenErrors}); both slots kept`,
      audit: { errors, maxGreenErrors: spec.teardown.maxGreenErrors },
    };
  }
  return {
    event: 'windowElapsed',
    audit: { errors, maxGreenErrors: spec.teardown.maxGreenErrors, requests: ctx.observed?.requests ?? 0 },
  };
}

function addBins(a: number[] | null, b: number[] | null): number[] | null {
  if (!b) return a;
  if (!a || a.length !== b.length) return [...b];
  return a.map((x, i) => x + b[i]);
}
