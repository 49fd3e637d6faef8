import type { GateName, ServerSpec, ValidationSpec } from '../../spec/types.js';
import { defaultValidationSpec } from '../../spec/validation-defaults.js';
import type { Sample } from '../../validation/pairs/samples-file.js';
import { runValidation, type ValidationInput } from '../../validation/run.js';
import type { GateResult } from '../../validation/types.js';

/**
 * The default thresholds, for the gates a third-party server can be judged by without greenlight's
 * /metrics (resources) or a model card: a short latency run, a quick health budget.
 */
export function protocolSpec(
  gates: GateName[] = ['health', 'agreement', 'schema', 'distribution', 'latency'],
): ValidationSpec {
  const s = defaultValidationSpec();
  s.gates = gates;
  s.source = 'samples';
  s.latency = {
    ...s.latency,
    durationSeconds: 0.2,
    warmupRequests: 2,
    concurrency: 2,
    maxRegressionRatio: 50,
  };
  s.healthCheckWaitSeconds = 1;
  s.healthCheckRetries = 1;
  return s;
}

/** Results by gate name. */
export function byGate(results: GateResult[]): Partial<Record<GateName, GateResult>> {
  return Object.fromEntries(results.map((r) => [r.gate, r]));
}

/** `gate:status` per result, in order: one readable assertion over a whole run. */
export function statuses(results: GateResult[]): string[] {
  return results.map((r) => `${r.gate}:${r.status}`);
}

/** What statuses() gives when every gate of protocolSpec(gates) passed. */
export function allPassed(gates = protocolSpec().gates): string[] {
  return gates.map((g) => `${g}:passed`);
}

/** runValidation with one server section for both sides (protocolSpec() unless `extra.spec`). */
export function validateWith(
  server: ServerSpec,
  baseline: string,
  candidate: string,
  samples: readonly Sample[],
  extra: Partial<ValidationInput> = {},
): Promise<GateResult[]> {
  return runValidation({
    spec: protocolSpec(),
    baseline,
    candidate,
    samples,
    baselineServer: server,
    candidateServer: server,
    ...extra,
  });
}
