import type { Color } from '../spec/types.js';
import type { Sample } from '../validation/pairs/samples-file.js';
import type { ValidationProgress as RunProgress, ValidationInput } from '../validation/run.js';
import type { GateResult } from '../validation/types.js';
import type { ValidateFn } from './validate-input.js';

export interface ValidateAdapterDeps {
  /** src/validation/run.ts `runValidation`. */
  runValidation: (input: ValidationInput) => Promise<GateResult[]>;
  /** src/validation/pairs/samples-file.ts `readSamples`. */
  readSamples: (path: string) => Promise<Sample[]>;
}

/**
 * The controller's `validate` dependency built on the validation engine: maps the controller's
 * input (colors, platform, shadowSince) onto runValidation's (roles, resource probe) and its
 * progress events onto the controller's. Samples are read when the source uses them.
 */
export function createValidate(deps: ValidateAdapterDeps): ValidateFn {
  return async (input) => {
    const spec = input.validation;
    const useSamples =
      (input.pairSource === 'samples' || input.pairSource === 'both') && spec.samples !== undefined;
    const samples = useSamples ? await deps.readSamples(spec.samples!) : undefined;
    const colorOf = (role: 'baseline' | 'candidate'): Color =>
      role === 'baseline' ? input.baselineColor : input.candidateColor;
    return deps.runValidation({
      spec: { ...spec, source: input.pairSource },
      baseline: input.baselineUrls,
      candidate: input.candidateUrls,
      candidateVersion: input.candidateVersion,
      ...(input.modelCard ? { candidateCard: input.modelCard } : {}),
      ...(samples ? { samples } : {}),
      router: input.router,
      shadowSince: input.shadowSince,
      resourceProbe: (role, sampleMs) => input.platform.resources(input.deployment, colorOf(role), sampleMs),
      signal: input.signal,
      onProgress: (e: RunProgress) => {
        if (e.type === 'gate-finished') input.onProgress({ kind: 'gate', result: e.result });
        else if (e.type === 'pairs')
          input.onProgress({ kind: 'samples', compared: e.compared, target: e.cap });
        else input.onProgress({ kind: 'message', text: `gate ${e.gate} started` });
      },
    });
  };
}
