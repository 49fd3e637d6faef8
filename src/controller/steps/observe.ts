import type { ColorSignals } from '../../metrics/types.js';
import { patchContext } from '../commit.js';
import { evaluateRules } from '../observe/rules.js';
import { signalWindowSeconds } from '../observe/window.js';
import type { RolloutContext } from '../rollout-context.js';
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
 * Observing: every observation.intervalSeconds, evaluate the rules on the candidate's signals and
 * roll back on a firing rule; once the window has passed, run the seed's safety checks
 * (cleanup-blue.sh) before allowing teardown of the previous slot.
 */
export const observe: Step = async (input) => {
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

async function evaluate(input: StepInput, now: number): Promise<StepResult | null> {
  const { deps, rollout, ctx, spec, actor } = input;
  const obs = spec.observation;
  let signals = NO_DATA;
  try {
    signals = await deps.signals.read(spec.name, rollout.candidate, signalWindowSeconds(obs));
  } catch (err) {
    // Unavailable signals are no data: never a breach, never a reason to fail the rollout.
    deps.log.warn('observation signals unavailable', { error: (err as Error).message });
  }
  const prev = ctx.observed ?? { requests: 0, errors: 0, scoreBins: null, evaluations: 0 };
  const observed: NonNullable<RolloutContext['observed']> = {
    requests: prev.requests + (signals.requests ?? 0),
    errors: prev.errors + (signals.errors ?? 0),
    scoreBins: addBins(prev.scoreBins, signals.scoreBins),
    evaluations: prev.evaluations + 1,
  };
  const ev = evaluateRules(
    obs.rules,
    { candidate: signals, baseline: ctx.baselineSignals, candidateScoreBins: observed.scoreBins },
    ctx.rules ?? {},
    now,
  );
  const nextEvalAt = now + obs.intervalSeconds * 1000;
  const changes = ev.changed.map((name) => ({
    time: now,
    kind: 'alert',
    actor,
    data: { rule: name, ...ev.states[name] },
  }));
  if (ev.firing && obs.rollbackOnAlert) {
    const s = ev.states[ev.firing];
    const detail = `${ev.firing}: measured ${s.measured} > threshold ${s.threshold} for ${obs.rules[ev.firing].forSeconds}s`;
    return {
      event: 'ruleBreached',
      reason: `rule ${detail}`,
      context: {
        rules: ev.states,
        observed,
        nextEvalAt,
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
  const updated = patchContext(deps.store, rollout.id, { rules: ev.states, observed, nextEvalAt }, changes);
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
