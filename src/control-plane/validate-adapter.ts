import type { ValidateFn, ValidateInput } from '../controller/validate-input.js';
import { readSamples } from '../validation/pairs/samples-file.js';
import { runValidation, type ValidationProgress } from '../validation/run.js';

/**
 * The controller's `validate` dependency on top of src/validation's runValidation: samples are read
 * from the spec's file, live shadow pairs are taken from the router from now on (the ring buffer may
 * still hold a previous rollout's pairs), and resources come from the platform (the local one reads
 * /proc for each replica's pid).
 */
export function createValidate(): ValidateFn {
  return async (input: ValidateInput) => {
    const v = input.validation;
    const samples = v.samples ? await readSamples(v.samples) : undefined;
    const shadow = input.pairSource === 'shadow' || input.pairSource === 'both';
    const shadowSince = shadow ? (await input.router.shadowPairs(0, 0)).nextSeq : undefined;
    const cap = v.shadowTrafficSampleSize;
    return runValidation({
      spec: { ...v, source: input.pairSource },
      baseline: input.baselineUrls,
      candidate: input.candidateUrls,
      candidateVersion: input.candidateVersion,
      ...(input.modelCard ? { candidateCard: input.modelCard } : {}),
      ...(samples ? { samples } : {}),
      ...(shadow ? { router: input.router, shadowSince } : {}),
      resourceProbe: (role, sampleMs) =>
        input.platform.resources(
          input.deployment,
          role === 'baseline' ? input.baselineColor : input.candidateColor,
          sampleMs,
        ),
      onProgress: (e: ValidationProgress) => {
        if (e.type === 'gate-finished') input.onProgress({ kind: 'gate', result: e.result });
        else if (e.type === 'pairs') input.onProgress({ kind: 'samples', compared: e.compared, target: cap });
        else input.onProgress({ kind: 'message', text: `gate ${e.gate} started` });
      },
      signal: input.signal,
    });
  };
}
