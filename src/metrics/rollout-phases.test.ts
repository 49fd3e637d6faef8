import { describe, expect, it } from 'vitest';
import { TERMINAL_PHASES as CONTROLLER_TERMINAL, PHASES } from '../controller/phases.js';
import { LONG_PHASES, ROLLOUT_PHASES, TERMINAL_PHASES } from './rollout-phases.js';

describe('rollout phases known to the metrics', () => {
  it('are exactly the controller phases, in order', () => {
    expect([...ROLLOUT_PHASES]).toEqual([...PHASES]);
    expect([...TERMINAL_PHASES].sort()).toEqual([...CONTROLLER_TERMINAL].sort());
  });

  it('long phases are not terminal', () => {
    for (const p of LONG_PHASES) expect(TERMINAL_PHASES).not.toContain(p);
  });
});
