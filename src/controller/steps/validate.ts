import { outputOf, serverOf } from '../../spec/server.js';
import { type GateResult, overallStatus } from '../../validation/types.js';
import { patchContext } from '../commit.js';
import type { ValidationProgress } from '../validate-input.js';
import type { Step, StepInput, StepResult, ValidationTask } from './step.js';

/** Attempts of a validation that throws (not one whose gates fail) before the candidate is rejected. */
export const MAX_VALIDATION_ATTEMPTS = 3;

/**
 * Run the validation gates. Validation takes seconds to minutes, so it runs in the background and
 * this step returns 'wait' until it ends; meanwhile intents (abort) are still consumed. A controller
 * restarted mid-validation has no task in memory and starts a new attempt: partial results of the
 * old one stay in the audit log.
 */
export const validate: Step = async (input) => {
  const { deps, rollout, spec, validations } = input;
  if (!spec.validation.enabled) return decide(input, []);
  // Results of a finished attempt are on disk: a restart decides from them instead of validating again.
  if (input.ctx.validationDone !== undefined && input.ctx.validationDone === input.ctx.validationAttempt) {
    await shadowOff(input);
    return decide(input, rollout.gateResults);
  }
  const task = validations.get(rollout.id);
  if (!task) {
    await begin(input);
    return 'wait';
  }
  if (!task.done) return 'wait';
  validations.delete(rollout.id);
  if (task.error !== undefined) {
    // Gates report measurement problems as results; a throw means validation itself could not
    // run. Retry a few attempts (they survive restarts), then reject the candidate: never switch
    // to something that was not validated.
    if (task.attempt < MAX_VALIDATION_ATTEMPTS) throw task.error;
    const message = task.error instanceof Error ? task.error.message : String(task.error);
    await shadowOff(input);
    return {
      event: 'validationFailed',
      reason: `validation could not run (${task.attempt} attempts): ${message}`,
      audit: { error: message },
    };
  }
  const results = task.result ?? [];
  const now = deps.clock.now();
  deps.store.transaction(() => {
    const current = deps.store.getRollout(rollout.id)!;
    deps.store.updateRollout(rollout.id, {
      gateResults: results,
      context: { ...current.context, validationDone: task.attempt },
    });
    for (const r of results) {
      if (!task.audited.has(r.gate)) deps.store.appendAudit(gateAudit(input, r, now));
    }
  });
  for (const r of results) deps.metrics?.gateResult(spec.name, r.gate, r.status, r.measured);
  await shadowOff(input);
  return decide(input, results);
};

/** Turn router shadow off after validation (also run by clean-up after an abort). */
export async function shadowOff({
  deps,
  rollout,
  ctx,
}: Pick<StepInput, 'deps' | 'rollout' | 'ctx'>): Promise<void> {
  const current = deps.store.getRollout(rollout.id)?.context as typeof ctx | undefined;
  if (!(current ?? ctx).shadowEnabled) return;
  await deps.router.setShadow({ enabled: false, sampleRate: 0 });
  patchContext(deps.store, rollout.id, { shadowEnabled: false });
}

function decide({ deps, spec }: StepInput, results: GateResult[]): StepResult {
  const status = overallStatus(results);
  const gates = results.map((r) => ({ gate: r.gate, status: r.status }));
  if (status === 'passed') {
    const auto = spec.autoSwitch.enabled && spec.autoSwitch.switchAfterValidationPasses;
    return auto
      ? {
          event: 'validationPassedAutoSwitch',
          context: {
            validationEndedAt: deps.clock.now(),
            switchAt: deps.clock.now() + spec.autoSwitch.switchDelaySeconds * 1000,
          },
          audit: { status, gates },
        }
      : {
          event: 'validationPassed',
          context: { validationEndedAt: deps.clock.now() },
          audit: { status, gates },
        };
  }
  // `skipped` overall means no gate had its input (a spec rule forbids it): nothing was proven.
  if (status === 'inconclusive' || status === 'skipped') {
    const which = results.filter((r) => r.status === 'inconclusive').map((r) => `${r.gate}: ${r.summary}`);
    return {
      event: 'validationInconclusive',
      reason: `inconclusive, needs an operator: ${which.join('; ')}`,
      audit: { status, gates },
    };
  }
  const bad = results
    .filter((r) => r.status === 'failed' || r.status === 'error')
    .map((r) => `${r.gate} ${r.status}: ${r.summary}`);
  return { event: 'validationFailed', reason: bad.join('; '), audit: { status, gates } };
}

async function begin(input: StepInput): Promise<void> {
  const { deps, rollout, ctx, spec, validations } = input;
  const attempt = (ctx.validationAttempt ?? 0) + 1;
  const source = spec.validation.source;
  const shadow = source === 'shadow' || source === 'both';
  // Recorded before the router call so clean-up knows to turn shadow off even after a crash here.
  deps.store.transaction(() => {
    deps.store.updateRollout(rollout.id, {
      gateResults: [],
      context: {
        ...rollout.context,
        validationAttempt: attempt,
        samples: undefined,
        ...(shadow ? { shadowEnabled: true } : {}),
      },
    });
    deps.store.appendAudit({
      time: deps.clock.now(),
      deployment: spec.name,
      rolloutId: rollout.id,
      kind: 'validation',
      actor: input.actor,
      data: { event: 'started', attempt, source, gates: spec.validation.gates },
    });
  });
  // Pairs already in the router's buffer compared an earlier candidate: start after them.
  const shadowSince = shadow ? (await deps.router.shadowPairs(0, 0)).nextSeq : 0;
  if (shadow) await deps.router.setShadow({ enabled: true, sampleRate: 1 });
  const baseline = await deps.platform.status(spec.name, rollout.baseline);
  const task: ValidationTask = {
    attempt,
    controller: new AbortController(),
    done: false,
    audited: new Set(),
  };
  // The task is registered only once nothing can throw before validate() starts: a registered
  // task that never runs would leave the rollout waiting forever.
  validations.set(rollout.id, task);
  // Via then() so that a validate() throwing synchronously still ends the task.
  Promise.resolve()
    .then(() =>
      deps.validate({
        deployment: spec.name,
        validation: spec.validation,
        baselineColor: rollout.baseline,
        candidateColor: rollout.candidate,
        baselineUrls: baseline.replicas.map((r) => r.url),
        candidateUrls: ctx.candidateUrls ?? [],
        baselineVersion: rollout.baselineVersion,
        candidateVersion: rollout.candidateVersion,
        baselineServer: serverOf(spec[rollout.baseline]),
        candidateServer: serverOf(spec[rollout.candidate]),
        output: outputOf(spec),
        ...(spec[rollout.candidate].modelCard ? { modelCard: spec[rollout.candidate].modelCard } : {}),
        pairSource: source,
        router: deps.router,
        shadowSince,
        platform: deps.platform,
        onProgress: (p) => progress(input, task, p),
        signal: task.controller.signal,
      }),
    )
    .then(
      (result) => {
        task.result = result;
      },
      (err: unknown) => {
        task.error = err;
      },
    )
    .finally(() => {
      task.done = true;
    });
}

function gateAudit({ actor, rollout, spec }: StepInput, r: GateResult, time: number) {
  return {
    time,
    deployment: spec.name,
    rolloutId: rollout.id,
    kind: 'gate',
    actor,
    data: {
      gate: r.gate,
      status: r.status,
      measured: r.measured,
      threshold: r.threshold,
      summary: r.summary,
    },
  };
}

const SAMPLE_PERSIST_MS = 1000;

// Progress arrives synchronously from validation; each gate result is persisted and audited as it
// comes, so `greenlight status` shows gates one by one and a crash loses none of them.
function progress(input: StepInput, task: ValidationTask, p: ValidationProgress): void {
  const { deps, rollout } = input;
  if (task.controller.signal.aborted) return;
  try {
    const current = deps.store.getRollout(rollout.id);
    // Progress of an abandoned attempt (aborted, or superseded after a restart) is dropped.
    const attempt = (current?.context as { validationAttempt?: number } | undefined)?.validationAttempt;
    if (current?.phase !== 'Validating' || attempt !== task.attempt) return;
    const now = deps.clock.now();
    if (p.kind === 'gate') {
      deps.store.transaction(() => {
        const others = current.gateResults.filter((g) => g.gate !== p.result.gate);
        deps.store.updateRollout(rollout.id, { gateResults: [...others, p.result] });
        deps.store.appendAudit(gateAudit(input, p.result, now));
      });
      task.audited.add(p.result.gate);
      deps.metrics?.gateResult(rollout.deployment, p.result.gate, p.result.status, p.result.measured);
    } else if (p.kind === 'samples') {
      const last = (current.context as { samplesAt?: number }).samplesAt ?? 0;
      if (now - last >= SAMPLE_PERSIST_MS || p.compared >= p.target) {
        deps.store.updateRollout(rollout.id, {
          context: {
            ...current.context,
            samples: { compared: p.compared, target: p.target },
            samplesAt: now,
          },
        });
      }
    }
  } catch (err) {
    deps.log.warn('could not record validation progress', { error: (err as Error).message });
  }
}
