import type { ColorSignals } from '../../metrics/types.js';
import type { SwitchResult } from '../../router/types.js';
import { patchContext } from '../commit.js';
import { signalWindowSeconds } from '../observe/window.js';
import { recordDeployed } from '../plan.js';
import type { RolloutContext } from '../rollout-context.js';
import type { Step, StepInput } from './step.js';

/**
 * Switch the router to the candidate, exactly once. The intent (with the router generation it
 * starts from) is persisted before router.switchTo, so a controller killed at any point can tell
 * from the router's state whether the switch happened: active = candidate and a newer generation.
 */
export const switchTraffic: Step = async (input) => {
  const { deps, rollout, spec, actor } = input;
  let ctx = input.ctx;
  const state = await deps.router.state();
  if (!ctx.switchIntent) {
    const baselineSignals = ctx.bootstrap ? undefined : await captureBaseline(input);
    const patch: Partial<RolloutContext> = {
      switchIntent: { fromGeneration: state.generation, at: deps.clock.now() },
    };
    if (baselineSignals) patch.baselineSignals = baselineSignals;
    ctx = patchContext(deps.store, rollout.id, patch).context as RolloutContext;
  }
  const intent = ctx.switchIntent!;
  const done = ctx.bootstrap
    ? state.active === rollout.candidate
    : state.active === rollout.candidate && state.generation > intent.fromGeneration;
  const result: SwitchResult = done
    ? {
        active: state.active,
        previous: rollout.baseline,
        generation: state.generation,
        switchedAt: state.switchedAt,
      }
    : await deps.router.switchTo(rollout.candidate);
  const from = ctx.bootstrap ? null : rollout.baseline;
  const fromVersion = ctx.bootstrap ? null : rollout.baselineVersion;
  const at = new Date(result.switchedAt).toISOString();
  const now = deps.clock.now();
  deps.metrics?.switched(spec.name, ctx.bootstrap ? 'bootstrap' : 'promotion');
  deps.metrics?.setActive(spec.name, rollout.candidate, rollout.candidateVersion);
  return {
    event: ctx.bootstrap ? 'bootstrapped' : 'switched',
    context: {
      switched: {
        generation: result.generation,
        switchedAt: result.switchedAt,
        from: rollout.baseline,
        to: rollout.candidate,
        fromVersion,
        toVersion: rollout.candidateVersion,
      },
      nextEvalAt: now,
      observed: { requests: 0, errors: 0, scoreBins: null, evaluations: 0 },
    },
    audit: { generation: result.generation },
    // The compliance record (seed: "before time X all requests used v1, after X all used v2").
    extraAudit: [
      {
        time: now,
        kind: 'switch',
        actor,
        data: {
          from,
          to: rollout.candidate,
          fromVersion,
          toVersion: rollout.candidateVersion,
          generation: result.generation,
          switchedAt: result.switchedAt,
          statement: fromVersion
            ? `before ${at} requests were served by ${fromVersion} (${from}); from ${at} by ${rollout.candidateVersion} (${rollout.candidate})`
            : `from ${at} requests are served by ${rollout.candidateVersion} (${rollout.candidate})`,
        },
      },
    ],
    deployment: () => ({ activeColor: rollout.candidate, generation: result.generation }),
    within: (store) => recordDeployed(store, spec.name, rollout.candidate, spec[rollout.candidate]),
  };
};

// What the latency and confidence rules compare the candidate with: the baseline while it still
// serves everyone. No data here only disables those two rules (never a breach).
async function captureBaseline({
  deps,
  rollout,
  spec,
}: StepInput): Promise<RolloutContext['baselineSignals']> {
  let s: ColorSignals | undefined;
  const window = signalWindowSeconds(spec.observation);
  try {
    s = await deps.signals.read(spec.name, rollout.baseline, window);
    // Read the candidate too and drop it: a delta-based source then starts its first observation
    // window at the switch instead of counting warm-up and validation traffic.
    await deps.signals.read(spec.name, rollout.candidate, window);
  } catch (err) {
    deps.log.warn('signals unavailable before the switch', { error: (err as Error).message });
  }
  return { p95LatencySeconds: s?.p95LatencySeconds ?? null, scoreBins: s?.scoreBins ?? null };
}
