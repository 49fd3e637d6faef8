import { describe, expect, it } from 'vitest';
import { LONG_PHASES, TERMINAL_PHASES } from './rollout-phases.js';

describe('rollout phases known to the metrics', () => {
  it('long phases are not terminal', () => {
    for (const p of LONG_PHASES) expect(TERMINAL_PHASES).not.toContain(p);
  });
});
