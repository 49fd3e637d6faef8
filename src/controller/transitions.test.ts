import { describe, expect, it } from 'vitest';
import { ROLLOUT_PHASES } from '../metrics/rollout-phases.js';
import { EVENTS } from './events.js';
import { isFailure, isPreSwitch, isTerminal, PHASES } from './phases.js';
import { IllegalTransitionError, nextPhase, transition, transitionRows } from './transitions.js';

describe('phases and the transition table', () => {
  it('the happy path is a chain of legal transitions', () => {
    let p = transition('Pending', 'start');
    for (const e of [
      'deployed',
      'ready',
      'warmedUp',
      'validationPassedAutoSwitch',
      'delayElapsed',
      'switched',
      'windowElapsed',
      'tornDown',
    ] as const) {
      p = transition(p, e);
    }
    expect(p).toBe('Complete');
  });

  it('a staged rollout steps inside Stepping, then switches; a breach or --full leaves it at any step', () => {
    let p = transition('SwitchDelay', 'stepsBegin');
    expect(p).toBe('Stepping');
    p = transition(p, 'stepElapsed');
    expect(p).toBe('Stepping');
    expect(transition(p, 'stepsDone')).toBe('Switching');
    expect(transition(p, 'promoteFull')).toBe('Switching');
    expect(transition(p, 'ruleBreached')).toBe('RolledBack');
    expect(transition('AwaitingPromotion', 'stepsBegin')).toBe('Stepping');
    // Users already reach the candidate: abort is over, rollback is the way back.
    expect(nextPhase('Stepping', 'abort')).toBeUndefined();
    expect(isPreSwitch('Stepping')).toBe(false);
  });

  it('illegal pairs throw a typed error and terminal phases accept nothing', () => {
    expect(() => transition('Validating', 'switched')).toThrow(IllegalTransitionError);
    try {
      transition('Observing', 'abort');
    } catch (err) {
      expect(err).toMatchObject({ code: 'GL_ILLEGAL_TRANSITION', phase: 'Observing', event: 'abort' });
    }
    for (const phase of PHASES.filter(isTerminal)) {
      for (const event of EVENTS) expect(nextPhase(phase, event)).toBeUndefined();
    }
  });

  it('inconclusive never leads towards a switch on its own; abort only before the switch; rollback only after', () => {
    expect(transition('Validating', 'validationInconclusive')).toBe('AwaitingPromotion');
    for (const row of transitionRows()) {
      if (row.event === 'abort') expect(isPreSwitch(row.phase)).toBe(true);
      if (row.event === 'rollbackRequested') expect(['Stepping', 'Observing']).toContain(row.phase);
      if (row.next === 'Switching')
        expect(['promote', 'promoteFull', 'delayElapsed', 'stepsDone', 'bootstrapWarmedUp']).toContain(
          row.event,
        );
    }
  });

  it('every non-terminal phase can fail, every phase is reachable, and the metrics list the same phases', () => {
    const reachable = new Set(['Pending', ...transitionRows().map((r) => r.next)]);
    expect([...reachable].sort()).toEqual([...PHASES].sort());
    for (const p of PHASES.filter((x) => !isTerminal(x))) expect(nextPhase(p, 'error')).toBe('Failed');
    expect([...ROLLOUT_PHASES]).toEqual([...PHASES]);
    expect(PHASES.filter(isFailure)).toEqual(['ValidationFailed', 'RolledBack', 'Aborted', 'Failed']);
  });
});
