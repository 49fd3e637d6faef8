import type { ObservationSpec } from '../../spec/types.js';

/**
 * The window rules ask the SignalSource about: at least 30 s (a Prometheus rate() over a few
 * seconds is noise) and at least two evaluation intervals.
 */
export function signalWindowSeconds(obs: ObservationSpec): number {
  return Math.max(30, 2 * obs.intervalSeconds);
}
