import type { ControllerMetrics } from '../metrics/controller-metrics.js';
import type { Color } from '../spec/types.js';
import type { Sample } from '../validation/pairs/samples-file.js';
import type { ValidationProgress as RunProgress, ValidationInput } from '../validation/run.js';
import type { GateResult } from '../validation/types.js';
import type { ValidateFn, ValidateInput } from './validate-input.js';

export interface ValidateAdapterDeps {
  /** src/validation/run.ts `runValidation`. */
  runValidation: (input: ValidationInput) => Promise<GateResult[]>;
  /** src/validation/pairs/samples-file.ts `readSamples`. */
  readSamples: (path: string) => Promise<Sample[]>;
  /** Counts every compared pair in `greenlight_shadow_pairs_total{deployment,outcome}`. */
  metrics?: Pick<ControllerMetrics, 'shadowCompared'>;
}

/**
 * Validation reports cumulative counts per run; the counter wants each pair once. One tally per
 * validate() call, so a retried validation counts its own pairs again (they were compared again).
 */
function pairCounter(deployment: string, metrics: ValidateAdapterDeps['metrics']) {
  let agreed = 0;
  let disagreed = 0;
  return (e: { compared: number; agreed: number }) => {
    if (!metrics) return;
    // Bounded by the pairs compared since the previous event (at most the cap over a whole run).
    for (; agreed < e.agreed; agreed++) metrics.shadowCompared(deployment, true);
    for (; disagreed < e.compared - e.agreed; disagreed++) metrics.shadowCompared(deployment, false);
  };
}

/**
 * The controller's `validate` dependency built on the validation engine: maps the controller's
 * input (colors, platform, shadowSince) onto runValidation's (roles, resource probe) and its
 * progress events onto the controller's and the pair counter. The spec's samples are read whenever
 * it names a file: they are replayed when the source includes samples, and the latency gate sends
 * them in any case, each side's requests encoded by its own server section's protocol
 * (runValidation checks every row encodes before any traffic).
 */
export function createValidate(deps: ValidateAdapterDeps): ValidateFn {
  return async (input: ValidateInput) => {
    const spec = input.validation;
    const samples = spec.samples !== undefined ? await deps.readSamples(spec.samples) : undefined;
    const colorOf = (role: 'baseline' | 'candidate'): Color =>
      role === 'baseline' ? input.baselineColor : input.candidateColor;
    const countPairs = pairCounter(input.deployment, deps.metrics);
    return deps.runValidation({
      spec: { ...spec, source: input.pairSource },
      baseline: input.baselineUrls,
      candidate: input.candidateUrls,
      candidateVersion: input.candidateVersion,
      ...(input.baselineServer ? { baselineServer: input.baselineServer } : {}),
      ...(input.candidateServer ? { candidateServer: input.candidateServer } : {}),
      ...(input.output ? { output: input.output } : {}),
      ...(input.modelCard ? { candidateCard: input.modelCard } : {}),
      ...(samples ? { samples } : {}),
      router: input.router,
      shadowSince: input.shadowSince,
      resourceProbe: (role, sampleMs) => input.platform.resources(input.deployment, colorOf(role), sampleMs),
      signal: input.signal,
      onProgress: (e: RunProgress) => {
        if (e.type === 'gate-finished') input.onProgress({ kind: 'gate', result: e.result });
        else if (e.type === 'pairs') {
          countPairs(e);
          input.onProgress({ kind: 'samples', compared: e.compared, target: e.cap });
        } else input.onProgress({ kind: 'message', text: `gate ${e.gate} started` });
      },
    });
  };
}
