import { commitTransition, patchContext, phaseOf } from './commit.js';
import type { ControllerDeps, ControllerOptions } from './deps.js';
import { consumeIntents } from './intents.js';
import { isTerminal, type Phase } from './phases.js';
import type { RolloutContext } from './rollout-context.js';
import { finalize } from './steps/finalize.js';
import { STEPS } from './steps/index.js';
import type { StepInput, ValidationTask } from './steps/step.js';
import { nextPhase } from './transitions.js';

export interface Controller {
  /** One pass: consume intents, then move every deployment's rollout on as far as it can go now. Concurrent calls share one pass. */
  reconcileOnce(): Promise<void>;
  /** Reconcile until `signal` aborts, pausing `intervalMs` (injected clock) between passes. */
  run(signal: AbortSignal): Promise<void>;
  /** Resolves when no background validation is running (tests; graceful shutdown). */
  settled(): Promise<void>;
}

// Bounds one pass: a rollout moves through at most this many phases before the pass yields.
const MAX_STEPS_PER_PASS = 32;

/**
 * The pipeline state machine (DESIGN.md "The pipeline"). All state is in the store; the only
 * memory is the background validation runs, which a new controller simply starts again.
 */
export function createController(given: ControllerDeps, options: ControllerOptions = {}): Controller {
  const deps = countingAudit(given);
  const actor = options.actor ?? 'controller';
  const maxFailures = options.maxStepFailures ?? 5;
  const validations = new Map<number, ValidationTask>();
  const graceMs = options.stepFailureGraceMs ?? 30_000;
  // Consecutive failures per (rollout, phase), in memory: a restart gives a step a fresh budget.
  const failures = new Map<string, { count: number; since: number }>();

  function currentInput(deployment: string): StepInput | undefined {
    const d = deps.store.getDeployment(deployment);
    const rollout = d?.currentRolloutId != null ? deps.store.getRollout(d.currentRolloutId) : undefined;
    if (!rollout) return undefined;
    return { deps, actor, rollout, ctx: rollout.context as RolloutContext, spec: rollout.spec, validations };
  }

  // One step of the rollout's current phase; 'wait' when it cannot move on in this pass.
  async function step(input: StepInput, phase: Phase): Promise<'moved' | 'wait'> {
    if (isTerminal(phase)) {
      await finalize(input, phase);
      return 'moved';
    }
    const result = await STEPS[phase]!(input);
    if (result === 'wait') return 'wait';
    const { event, ...opts } = result;
    commitTransition(deps, input.rollout.id, event, { actor, ...opts });
    deps.log.info('transition', {
      deployment: input.spec.name,
      rollout: input.rollout.id,
      from: phase,
      event,
    });
    return 'moved';
  }

  async function advance(deployment: string): Promise<void> {
    for (let i = 0; i < MAX_STEPS_PER_PASS; i++) {
      const input = currentInput(deployment);
      if (!input) return;
      const phase = phaseOf(input.rollout);
      const key = `${input.rollout.id}:${phase}`;
      try {
        const moved = await step(input, phase);
        failures.delete(key);
        if (moved === 'wait') return;
      } catch (err) {
        if (!onStepError(input, phase, key, err)) return;
      }
    }
  }

  // Returns false to stop this deployment's pass (retry on the next one).
  function onStepError(input: StepInput, phase: Phase, key: string, err: unknown): boolean {
    const message = err instanceof Error ? err.message : String(err);
    const prev = failures.get(key);
    const n = (prev?.count ?? 0) + 1;
    const since = prev?.since ?? deps.clock.now();
    failures.set(key, { count: n, since });
    deps.log.warn('step failed', {
      deployment: input.spec.name,
      rollout: input.rollout.id,
      phase,
      attempt: n,
      error: message,
    });
    try {
      // Give up only when a step failed often AND for a while: a router restarting for a few
      // seconds must not fail a rollout, a model that cannot load must not retry forever.
      const giveUp = n >= maxFailures && deps.clock.now() - since >= graceMs;
      if (!isTerminal(phase) && giveUp && nextPhase(phase, 'error')) {
        failures.delete(key);
        commitTransition(deps, input.rollout.id, 'error', {
          actor,
          reason: `${phase} failed ${n} times: ${message}`,
          audit: { error: message, code: (err as { code?: string }).code ?? null },
        });
        return true;
      }
      patchContext(deps.store, input.rollout.id, { lastError: `${phase}: ${message}` });
    } catch (inner) {
      deps.log.error('could not record step failure', { error: (inner as Error).message });
    }
    return false;
  }

  async function pass(): Promise<void> {
    await consumeIntents(deps, actor);
    for (const d of deps.store.listDeployments()) {
      if (d.currentRolloutId === null) continue;
      try {
        await advance(d.name);
      } catch (err) {
        // One broken deployment must not stop the others.
        deps.log.error('reconcile failed', {
          deployment: d.name,
          error: err instanceof Error ? err.message : String(err),
        });
      }
    }
  }

  // Passes never overlap: a caller asking while one runs (run() and an API nudge) joins it.
  let inFlight: Promise<void> | null = null;
  function reconcileOnce(): Promise<void> {
    inFlight ??= pass().finally(() => {
      inFlight = null;
    });
    return inFlight;
  }

  return {
    reconcileOnce,
    async run(signal) {
      const interval = options.intervalMs ?? 500;
      while (!signal.aborted) {
        await reconcileOnce().catch((err: unknown) => {
          deps.log.error('reconcile failed', { error: err instanceof Error ? err.message : String(err) });
        });
        if (signal.aborted) break;
        // ±10% jitter so several controllers (or a controller and its probes) do not beat in step.
        await deps.clock.sleep(interval * (0.9 + 0.2 * deps.random()), signal);
      }
      for (const v of validations.values()) v.controller.abort();
    },
    async settled() {
      for (let i = 0; i < 1000; i++) {
        const pending = [...validations.values()].filter((v) => !v.done);
        if (pending.length === 0) return;
        await new Promise((r) => setTimeout(r, 1));
      }
    },
  };
}

/**
 * Every audit record the controller writes, whichever step writes it, counts towards
 * `greenlight_audit_records_total`: counted where records are appended, not at each call site.
 */
function countingAudit(deps: ControllerDeps): ControllerDeps {
  const metrics = deps.metrics;
  if (!metrics) return deps;
  const target = deps.store;
  const appendAudit: typeof target.appendAudit = (entry) => {
    const rec = target.appendAudit(entry);
    metrics.auditWritten();
    return rec;
  };
  const store = new Proxy(target, {
    get: (t, key) => {
      if (key === 'appendAudit') return appendAudit;
      const v = Reflect.get(t, key, t);
      return typeof v === 'function' ? v.bind(t) : v;
    },
  });
  return { ...deps, store };
}
