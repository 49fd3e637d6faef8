import type { Clock } from '../deps.js';

/** A clock tests move by hand: a 7-day window passes in one call. sleep() advances time itself. */
export interface FakeClock extends Clock {
  advance(ms: number): void;
  set(ms: number): void;
}

/** A manual clock starting at `start` (ms since epoch). */
export function createFakeClock(start = Date.UTC(2026, 0, 1)): FakeClock {
  let now = start;
  return {
    now: () => now,
    async sleep(ms, signal) {
      if (signal?.aborted) return;
      now += ms;
      // Yield so a loop built on sleep() lets other work run.
      await new Promise((r) => setImmediate(r));
    },
    advance(ms) {
      now += ms;
    },
    set(ms) {
      now = ms;
    },
  };
}
