import { abortableSleep } from '../sleep.js';

/** Time as the validation engine sees it; injected so tests of waits and deadlines run in milliseconds. */
export interface Clock {
  /** Milliseconds, monotonic enough for deadlines. */
  now(): number;
  /** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock. */
export function systemClock(): Clock {
  return {
    now: () => performance.now(),
    sleep: abortableSleep,
  };
}
