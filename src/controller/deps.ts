import type { ControllerMetrics } from '../metrics/controller-metrics.js';
import type { SignalSource } from '../metrics/types.js';
import type { Platform } from '../platform/types.js';
import type { RouterControl } from '../router/types.js';
import { abortableSleep } from '../sleep.js';
import type { Store } from '../store/types.js';
import type { ValidateFn } from './validate-input.js';

/** Time, injected so a 7-day observation window is tested in milliseconds (STYLE.md §5). */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` (or when `signal` aborts). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** The HTTP call warm-up needs (global fetch by default; tests inject a fake). */
export type FetchFn = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal },
) => Promise<{ status: number }>;

/** Everything the controller touches, passed in as one object (STYLE.md §4). */
export interface ControllerDeps {
  store: Store;
  platform: Platform;
  router: RouterControl;
  validate: ValidateFn;
  /** Observation signals for rules (in-process metrics or Prometheus). */
  signals: SignalSource;
  clock: Clock;
  /** In [0,1); used to jitter retry back-off. */
  random: () => number;
  log: Logger;
  metrics?: ControllerMetrics;
  fetch?: FetchFn;
}

/** Tuning that is not part of the spec. */
export interface ControllerOptions {
  /** Pause between reconcile passes in run(). Default 500 ms. */
  intervalMs?: number;
  /** A step that failed this many times in a row... Default 5. */
  maxStepFailures?: number;
  /** ...and has been failing for at least this long sends the rollout to Failed. Default 30 000 ms. */
  stepFailureGraceMs?: number;
  /** Actor name written in the audit for the controller's own actions. Default "controller". */
  actor?: string;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: abortableSleep,
};
